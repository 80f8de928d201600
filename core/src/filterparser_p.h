// SPDX-License-Identifier: Apache-2.0
// The subscription filter language's lexer and recursive-descent parser (grammar in
// docs/CONTRACTS.md, "Subscription filters"). Builds the nodes of a FilterProgram.
#pragma once

#include "filterprogram_p.h"

#include <switchboard/messagefilter.h>

#include <vector>

namespace sb::detail {

class FilterParser
{
public:
    FilterParser(const QString &text, const FilterLimits &limits, FilterProgram &program);

    // The root node's index, or -1 with errorPosition() and errorReason() set.
    int parse();
    int errorPosition() const { return m_errorPosition; } // 1-based
    const QString &errorReason() const { return m_errorReason; }

private:
    enum class Tok : quint8 { End, Ident, Number, String, LParen, RParen, LBracket, RBracket, Comma, Dot, Eq, Ne, Lt, Le, Gt, Ge, And, Or, Not };
    struct Token
    {
        Tok type = Tok::End;
        int pos = 0; // 0-based
        QString text;
    };

    bool lex();
    const Token &peek() const { return m_tokens[m_next]; }
    const Token &take() { return m_tokens[m_next++]; }
    bool accept(Tok t);
    bool expect(Tok t, const char *what);
    int fail(int pos, const QString &reason);
    int fail(const Token &at, const QString &reason);
    static QString describe(const Token &t);
    int add(FilterNode node);

    int parseOr(int depth);
    int parseAnd(int depth);
    int parseChain(Tok separator, FilterOp op, int depth);
    int parseUnary(int depth);
    int parseComparison(int depth);
    int parseOperand(int depth);
    int parseList();
    int parseFunction(const Token &name, int depth);
    int parseField(const Token &name);
    int parseLiteral(const Token &t);

    const QString &m_text;
    FilterLimits m_limits;
    FilterProgram &m_program;
    std::vector<Token> m_tokens;
    size_t m_next = 0;
    int m_errorPosition = 0;
    QString m_errorReason;
};

} // namespace sb::detail
