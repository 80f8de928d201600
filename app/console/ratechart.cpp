// SPDX-License-Identifier: Apache-2.0
#include "ratechart.h"

#include <QPainter>
#include <QPainterPath>

namespace sb::console {

RateChart::RateChart(QQuickItem *parent)
    : QQuickPaintedItem(parent)
{
    setAntialiasing(true);
    connect(this, &RateChart::samplesChanged, this, [this] { update(); });
    connect(this, &RateChart::styleChanged, this, [this] { update(); });
}

void RateChart::setInSamples(const QVariantList &samples)
{
    m_in = samples;
    Q_EMIT samplesChanged();
}

void RateChart::setOutSamples(const QVariantList &samples)
{
    m_out = samples;
    Q_EMIT samplesChanged();
}

double RateChart::maxValue() const
{
    double top = 0;
    for (const QVariantList *s : {&m_in, &m_out}) {
        for (const QVariant &v : *s)
            top = qMax(top, v.toDouble());
    }
    return top;
}

void RateChart::paint(QPainter *p)
{
    const QRectF area = boundingRect().adjusted(48, 8, -8, -20);
    if (area.width() <= 0 || area.height() <= 0)
        return;
    // A round scale: 1, 2 or 5 times a power of ten above the highest sample.
    double top = qMax(1.0, maxValue());
    double step = 1;
    while (step * 10 <= top)
        step *= 10;
    top = top <= step ? step : top <= 2 * step ? 2 * step : top <= 5 * step ? 5 * step : 10 * step;

    p->setPen(QPen(m_gridColor, 1));
    p->setFont(QFont(p->font().family(), 8));
    for (int i = 0; i <= 4; ++i) {
        const double y = area.bottom() - area.height() * i / 4.0;
        p->setPen(QPen(m_gridColor, 1));
        p->drawLine(QPointF(area.left(), y), QPointF(area.right(), y));
        p->setPen(m_textColor);
        const double value = top * i / 4.0;
        const QString label = value >= 1e6 ? QStringLiteral("%1M").arg(value / 1e6, 0, 'g', 3)
                              : value >= 1e3 ? QStringLiteral("%1k").arg(value / 1e3, 0, 'g', 3)
                                             : QString::number(value, 'g', 3);
        p->drawText(QRectF(0, y - 8, area.left() - 6, 16), Qt::AlignRight | Qt::AlignVCenter, label);
    }
    auto series = [&](const QVariantList &s, const QColor &c) {
        if (s.size() < 2)
            return;
        QPainterPath path;
        const double dx = area.width() / double(qMax<qsizetype>(1, s.size() - 1));
        for (qsizetype i = 0; i < s.size(); ++i) {
            const QPointF pt(area.left() + dx * double(i), area.bottom() - area.height() * qBound(0.0, s.at(i).toDouble() / top, 1.0));
            if (i == 0)
                path.moveTo(pt);
            else
                path.lineTo(pt);
        }
        p->setPen(QPen(c, 2));
        p->drawPath(path);
    };
    series(m_in, m_inColor);
    series(m_out, m_outColor);
}

} // namespace sb::console
