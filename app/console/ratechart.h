// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QColor>
#include <QQuickPaintedItem>
#include <QVariantList>

namespace sb::console {

// The Overview's throughput chart: two series (in, out) of msg/s, newest on the right, drawn in
// C++ so QML only places it.
class RateChart : public QQuickPaintedItem
{
    Q_OBJECT
    Q_PROPERTY(QVariantList inSamples READ inSamples WRITE setInSamples NOTIFY samplesChanged)
    Q_PROPERTY(QVariantList outSamples READ outSamples WRITE setOutSamples NOTIFY samplesChanged)
    Q_PROPERTY(QColor inColor MEMBER m_inColor NOTIFY styleChanged)
    Q_PROPERTY(QColor outColor MEMBER m_outColor NOTIFY styleChanged)
    Q_PROPERTY(QColor gridColor MEMBER m_gridColor NOTIFY styleChanged)
    Q_PROPERTY(QColor textColor MEMBER m_textColor NOTIFY styleChanged)
    Q_PROPERTY(double maxValue READ maxValue NOTIFY samplesChanged)

public:
    explicit RateChart(QQuickItem *parent = nullptr);

    QVariantList inSamples() const { return m_in; }
    void setInSamples(const QVariantList &samples);
    QVariantList outSamples() const { return m_out; }
    void setOutSamples(const QVariantList &samples);
    double maxValue() const;

    void paint(QPainter *painter) override;

Q_SIGNALS:
    void samplesChanged();
    void styleChanged();

private:
    QVariantList m_in, m_out;
    QColor m_inColor{0x2e, 0x7d, 0x32};
    QColor m_outColor{0x15, 0x65, 0xc0};
    QColor m_gridColor{0xcc, 0xcc, 0xcc};
    QColor m_textColor{0x44, 0x44, 0x44};
};

} // namespace sb::console
