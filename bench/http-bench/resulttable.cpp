// SPDX-License-Identifier: Apache-2.0
#include "resulttable.h"

#include <algorithm>

namespace bench {

namespace {

double medianOf(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? -1 : v[v.size() / 2];
}

QString human(double v)
{
    if (v >= 1e6)
        return QString::number(v / 1e6, 'f', 2) + QLatin1Char('M');
    if (v >= 1e4)
        return QString::number(v / 1e3, 'f', 1) + QLatin1Char('k');
    return QString::number(v, 'f', v < 100 ? 1 : 0);
}

} // namespace

int ResultTable::addRow(const QString &label, Kind kind)
{
    m_rows.push_back({ label, kind, {} });
    return int(m_rows.size()) - 1;
}

void ResultTable::add(int row, const char *column, double value)
{
    m_rows[size_t(row)].values[QString::fromLatin1(column)].push_back(value);
}

double ResultTable::median(int row, const char *column) const
{
    const auto &values = m_rows[size_t(row)].values;
    auto it = values.find(QString::fromLatin1(column));
    return it == values.end() ? -1 : medianOf(it->second);
}

bool ResultTable::failureRowsPass() const
{
    for (const Row &row : m_rows) {
        if (row.kind != Kind::FailNonZero)
            continue;
        for (const auto &[column, values] : row.values) {
            if (std::any_of(values.begin(), values.end(), [](double v) { return v > 0; }))
                return false;
        }
    }
    return true;
}

QString ResultTable::cell(const std::vector<double> &v)
{
    if (v.empty())
        return QStringLiteral("-");
    if (v.size() == 1)
        return human(v[0]);
    const auto [mn, mx] = std::minmax_element(v.begin(), v.end());
    return QStringLiteral("%1 [%2-%3]").arg(human(medianOf(v)), human(*mn), human(*mx));
}

void ResultTable::print(FILE *out) const
{
    const char *format = "%-48s | %-24s | %-24s | %-5s | %s\n";
    fprintf(out, format, "metric", kSwitchboard, kNginx, "ratio", "check");
    for (int i = 0; i < int(m_rows.size()); ++i) {
        const Row &row = m_rows[size_t(i)];
        auto values = [&row](const char *column) {
            auto it = row.values.find(QString::fromLatin1(column));
            return it == row.values.end() ? std::vector<double>() : it->second;
        };
        const double sb = median(i, kSwitchboard), nginx = median(i, kNginx);
        const QString ratio
            = sb >= 0 && nginx > 0 && row.kind == Kind::Info ? QString::number(sb / nginx, 'f', 2) : QString();
        QString check;
        if (row.kind == Kind::FailNonZero) {
            bool pass = true;
            for (const auto &[column, v] : row.values)
                pass = pass && std::none_of(v.begin(), v.end(), [](double x) { return x > 0; });
            check = pass ? QStringLiteral("0 PASS") : QStringLiteral("0 FAIL");
        }
        fprintf(out, format, qPrintable(row.label), qPrintable(cell(values(kSwitchboard))),
            qPrintable(cell(values(kNginx))), qPrintable(ratio), qPrintable(check));
    }
}

} // namespace bench
