// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>
#include <cstdio>
#include <map>
#include <vector>

namespace bench {

// http-bench's table: one row per metric, a column per server (switchboard, nginx) holding one
// value per repeat, printed as median [min-max] with the same-run ratio switchboard / nginx.
class ResultTable
{
public:
    enum class Kind {
        Info, // a figure, with the ratio where both columns have one
        FailNonZero, // a failure row: any value above 0 in any column fails it
    };
    static constexpr const char *kSwitchboard = "switchboard";
    static constexpr const char *kNginx = "nginx";

    int addRow(const QString &label, Kind kind = Kind::Info);
    void add(int row, const char *column, double value);
    double median(int row, const char *column) const; // -1 without values
    // PASS when every failure row is all zeros.
    bool failureRowsPass() const;
    void print(FILE *out) const;

private:
    struct Row
    {
        QString label;
        Kind kind = Kind::Info;
        std::map<QString, std::vector<double>> values;
    };
    static QString cell(const std::vector<double> &v);
    std::vector<Row> m_rows;
};

} // namespace bench
