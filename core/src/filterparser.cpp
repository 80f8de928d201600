// SPDX-License-Identifier: Apache-2.0
#include "filterparser_p.h"

#include <cmath>

namespace sb::detail {

namespace {

bool isIdentStart(QChar c)
{
    return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
        || c == QLatin1Char('_');
}

// Header names and payload keys may contain '-' (x-request-id): there is no subtraction.
bool isIdentPart(QChar c)
{
    return isIdentStart(c) || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('-');
}

bool isDigit(QChar c)
{
    return c >= QLatin1Char('0') && c <= QLatin1Char('9');
}

const struct
{
    const char *name;
    FilterField field;
} kFields[] = {
    {"topic", FilterField::Topic},   {"channel", FilterField::Channel}, {"event", FilterField::Event},
    {"source", FilterField::Source}, {"id", FilterField::Id},           {"content_type", FilterField::ContentType},
    {"size", FilterField::Size},     {"headers", FilterField::Header},  {"data", FilterField::Data},
};

} // namespace

FilterParser::FilterParser(const QString &text, const FilterLimits &limits, FilterProgram &program)
    : m_text(text), m_limits(limits), m_program(program)
{
}

int FilterParser::parse()
{
    if (!lex())
        return -1;
    const int root = parseOr(0);
    if (root < 0)
        return -1;
    if (peek().type != Tok::End)
        return fail(peek(), QStringLiteral("unexpected %1 after a complete expression (join conditions with && or ||)")
                                .arg(describe(peek())));
    return root;
}

int FilterParser::fail(int pos, const QString &reason)
{
    if (m_errorReason.isEmpty()) {
        m_errorPosition = pos + 1;
        m_errorReason = reason;
    }
    return -1;
}

int FilterParser::fail(const Token &at, const QString &reason)
{
    return fail(at.pos, reason);
}

QString FilterParser::describe(const Token &t)
{
    switch (t.type) {
    case Tok::End:
        return QStringLiteral("the end of the filter");
    case Tok::String:
        return QStringLiteral("a string");
    case Tok::Number:
        return QStringLiteral("the number %1").arg(t.text);
    case Tok::Ident:
        return QStringLiteral("\"%1\"").arg(t.text.left(40));
    default:
        return QStringLiteral("\"%1\"").arg(t.text);
    }
}

bool FilterParser::accept(Tok t)
{
    if (peek().type != t)
        return false;
    ++m_next;
    return true;
}

bool FilterParser::expect(Tok t, const char *what)
{
    if (accept(t))
        return true;
    fail(peek(), QStringLiteral("expected %1, found %2").arg(QLatin1String(what), describe(peek())));
    return false;
}

int FilterParser::add(FilterNode node)
{
    m_program.nodes.push_back(std::move(node));
    return int(m_program.nodes.size()) - 1;
}

// --- lexer -------------------------------------------------------------------------------------

bool FilterParser::lex()
{
    const int n = int(m_text.size());
    int i = 0;
    auto at = [&](int k, char c) { return k < n && m_text[k] == QLatin1Char(c); };
    while (i < n) {
        const QChar c = m_text[i];
        if (c.isSpace()) {
            ++i;
            continue;
        }
        Token t;
        t.pos = i;
        const struct
        {
            char first, second;
            Tok type;
        } pairs[] = {{'=', '=', Tok::Eq}, {'!', '=', Tok::Ne}, {'<', '=', Tok::Le}, {'>', '=', Tok::Ge}, {'&', '&', Tok::And}, {'|', '|', Tok::Or}};
        bool matched = false;
        for (const auto &p : pairs) {
            if (at(i, p.first) && at(i + 1, p.second)) {
                t.type = p.type;
                t.text = m_text.mid(i, 2);
                i += 2;
                matched = true;
                break;
            }
        }
        if (!matched) {
            const char single[] = "<>!()[],.";
            const Tok singles[] = {Tok::Lt, Tok::Gt, Tok::Not, Tok::LParen, Tok::RParen, Tok::LBracket, Tok::RBracket, Tok::Comma, Tok::Dot};
            for (size_t k = 0; k < sizeof singles / sizeof singles[0]; ++k) {
                if (c == QLatin1Char(single[k])) {
                    t.type = singles[k];
                    t.text = QString(c);
                    ++i;
                    matched = true;
                    break;
                }
            }
        }
        if (matched) {
            m_tokens.push_back(std::move(t));
            continue;
        }
        if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
            const QChar quote = c;
            ++i;
            QString s;
            bool closed = false;
            while (i < n) {
                const QChar d = m_text[i++];
                if (d == quote) {
                    closed = true;
                    break;
                }
                if (d != QLatin1Char('\\')) {
                    s.append(d);
                    continue;
                }
                if (i >= n)
                    break;
                const QChar e = m_text[i++];
                switch (e.unicode()) {
                case 'n': s.append(QLatin1Char('\n')); break;
                case 't': s.append(QLatin1Char('\t')); break;
                case 'r': s.append(QLatin1Char('\r')); break;
                case '\\': case '"': case '\'': case '/': s.append(e); break;
                case 'u': {
                    bool ok = false;
                    const ushort code = i + 4 <= n ? m_text.mid(i, 4).toUShort(&ok, 16) : 0;
                    if (!ok)
                        return fail(i - 2, QStringLiteral("\\u needs four hex digits")) >= 0;
                    s.append(QChar(code));
                    i += 4;
                    break;
                }
                default:
                    return fail(i - 2, QStringLiteral("unknown escape \\%1 in a string").arg(e)) >= 0;
                }
            }
            if (!closed)
                return fail(t.pos, QStringLiteral("the string is not closed (a %1 is missing)").arg(quote)) >= 0;
            t.type = Tok::String;
            t.text = s;
        } else if (isDigit(c) || (c == QLatin1Char('-') && i + 1 < n && isDigit(m_text[i + 1]))) {
            int j = i + 1;
            while (j < n && (isDigit(m_text[j]) || m_text[j] == QLatin1Char('.') || m_text[j] == QLatin1Char('e')
                             || m_text[j] == QLatin1Char('E')
                             || ((m_text[j] == QLatin1Char('+') || m_text[j] == QLatin1Char('-'))
                                 && (m_text[j - 1] == QLatin1Char('e') || m_text[j - 1] == QLatin1Char('E')))))
                ++j;
            t.type = Tok::Number;
            t.text = m_text.mid(i, j - i);
            i = j;
        } else if (isIdentStart(c)) {
            int j = i + 1;
            while (j < n && isIdentPart(m_text[j]))
                ++j;
            t.type = Tok::Ident;
            t.text = m_text.mid(i, j - i);
            i = j;
        } else if (c == QLatin1Char('=') || c == QLatin1Char('&') || c == QLatin1Char('|')) {
            const QString want = c == QLatin1Char('=') ? QStringLiteral("==") : QString(2, c);
            return fail(i, QStringLiteral("\"%1\" alone is not an operator; did you mean \"%2\"?").arg(c).arg(want)) >= 0;
        } else {
            return fail(i, QStringLiteral("unexpected character \"%1\"").arg(c)) >= 0;
        }
        m_tokens.push_back(std::move(t));
    }
    Token end;
    end.pos = n;
    m_tokens.push_back(end);
    return true;
}

// --- parser ------------------------------------------------------------------------------------

int FilterParser::parseOr(int depth)
{
    if (depth > m_limits.maxDepth)
        return fail(peek(), QStringLiteral("the filter is nested deeper than %1 levels (limits.max-filter-depth)")
                                .arg(m_limits.maxDepth));
    return parseChain(Tok::Or, FilterOp::Or, depth);
}

int FilterParser::parseAnd(int depth)
{
    return parseChain(Tok::And, FilterOp::And, depth);
}

// a || b || c as one node with three operands: evaluation loops instead of recursing down a
// chain as long as the filter.
int FilterParser::parseChain(Tok separator, FilterOp op, int depth)
{
    const int first = separator == Tok::Or ? parseAnd(depth) : parseUnary(depth);
    if (first < 0 || peek().type != separator)
        return first;
    FilterNode n;
    n.op = op;
    n.items.push_back(first);
    while (accept(separator)) {
        const int next = separator == Tok::Or ? parseAnd(depth) : parseUnary(depth);
        if (next < 0)
            return -1;
        n.items.push_back(next);
    }
    return add(std::move(n));
}

int FilterParser::parseUnary(int depth)
{
    if (peek().type != Tok::Not)
        return parseComparison(depth);
    const Token &bang = take();
    if (depth + 1 > m_limits.maxDepth)
        return fail(bang, QStringLiteral("the filter is nested deeper than %1 levels (limits.max-filter-depth)")
                              .arg(m_limits.maxDepth));
    const int operand = parseUnary(depth + 1);
    if (operand < 0)
        return -1;
    FilterNode n;
    n.op = FilterOp::Not;
    n.a = operand;
    return add(std::move(n));
}

int FilterParser::parseComparison(int depth)
{
    const int left = parseOperand(depth);
    if (left < 0)
        return -1;
    FilterOp op;
    switch (peek().type) {
    case Tok::Eq: op = FilterOp::Eq; break;
    case Tok::Ne: op = FilterOp::Ne; break;
    case Tok::Lt: op = FilterOp::Lt; break;
    case Tok::Le: op = FilterOp::Le; break;
    case Tok::Gt: op = FilterOp::Gt; break;
    case Tok::Ge: op = FilterOp::Ge; break;
    case Tok::Ident:
        if (peek().text == QLatin1String("in")) {
            take();
            const int list = parseList();
            if (list < 0)
                return -1;
            FilterNode n;
            n.op = FilterOp::In;
            n.a = left;
            n.b = list;
            return add(std::move(n));
        }
        return left;
    default:
        return left;
    }
    take();
    const int right = parseOperand(depth);
    if (right < 0)
        return -1;
    FilterNode n;
    n.op = op;
    n.a = left;
    n.b = right;
    return add(std::move(n));
}

int FilterParser::parseOperand(int depth)
{
    const Token &t = take();
    switch (t.type) {
    case Tok::LParen: {
        const int inner = parseOr(depth + 1);
        if (inner < 0 || !expect(Tok::RParen, "\")\""))
            return -1;
        return inner;
    }
    case Tok::Number:
    case Tok::String:
        return parseLiteral(t);
    case Tok::Ident:
        if (t.text == QLatin1String("true") || t.text == QLatin1String("false") || t.text == QLatin1String("null"))
            return parseLiteral(t);
        if (peek().type == Tok::LParen)
            return parseFunction(t, depth);
        return parseField(t);
    case Tok::LBracket:
        return fail(t, QStringLiteral("a list may only follow \"in\""));
    default:
        return fail(t, QStringLiteral("expected a field, a value or \"(\", found %1").arg(describe(t)));
    }
}

int FilterParser::parseLiteral(const Token &t)
{
    FilterNode n;
    n.op = FilterOp::Literal;
    FilterValue &v = n.literal;
    if (t.type == Tok::String) {
        v.type = FilterValue::String;
        v.string = t.text;
    } else if (t.type == Tok::Number) {
        bool ok = false;
        const bool fractional = t.text.contains(QLatin1Char('.')) || t.text.contains(QLatin1Char('e'))
            || t.text.contains(QLatin1Char('E'));
        if (!fractional) {
            v.integer = t.text.toLongLong(&ok);
            v.integral = ok;
            v.number = double(v.integer);
        }
        if (!ok)
            v.number = t.text.toDouble(&ok);
        if (!ok || !std::isfinite(v.number))
            return fail(t, QStringLiteral("%1 is not a number").arg(t.text.left(40)));
        v.type = FilterValue::Number;
    } else if (t.text == QLatin1String("null")) {
        v.type = FilterValue::Null;
    } else {
        v.type = FilterValue::Bool;
        v.boolean = t.text == QLatin1String("true");
    }
    return add(std::move(n));
}

int FilterParser::parseList()
{
    const Token &open = peek();
    if (!expect(Tok::LBracket, "\"[\" (a list of values after \"in\")"))
        return -1;
    FilterNode list;
    list.op = FilterOp::List;
    if (!accept(Tok::RBracket)) {
        do {
            const Token &t = take();
            const bool literal = t.type == Tok::Number || t.type == Tok::String
                || (t.type == Tok::Ident
                    && (t.text == QLatin1String("true") || t.text == QLatin1String("false") || t.text == QLatin1String("null")));
            if (!literal)
                return fail(t, QStringLiteral("a list after \"in\" holds values only, found %1").arg(describe(t)));
            const int item = parseLiteral(t);
            if (item < 0)
                return -1;
            list.items.push_back(item);
        } while (accept(Tok::Comma));
        if (!expect(Tok::RBracket, "\",\" or \"]\""))
            return -1;
    }
    if (list.items.empty())
        return fail(open, QStringLiteral("an empty list matches nothing; remove the condition instead"));
    return add(std::move(list));
}

int FilterParser::parseFunction(const Token &name, int depth)
{
    FilterOp op;
    int arity = 2;
    if (name.text == QLatin1String("exists")) {
        op = FilterOp::Exists;
        arity = 1;
    } else if (name.text == QLatin1String("contains")) {
        op = FilterOp::Contains;
    } else if (name.text == QLatin1String("startsWith")) {
        op = FilterOp::StartsWith;
    } else {
        return fail(name, QStringLiteral("unknown function \"%1\" (there are exists, contains and startsWith)").arg(name.text.left(40)));
    }
    take(); // (
    if (depth + 1 > m_limits.maxDepth)
        return fail(name, QStringLiteral("the filter is nested deeper than %1 levels (limits.max-filter-depth)")
                              .arg(m_limits.maxDepth));
    FilterNode n;
    n.op = op;
    n.a = parseOperand(depth + 1);
    if (n.a < 0)
        return -1;
    if (op == FilterOp::Exists && m_program.nodes[size_t(n.a)].op != FilterOp::Field)
        return fail(name, QStringLiteral("exists() takes a field, such as exists(data.alarm)"));
    if (arity == 2) {
        if (!expect(Tok::Comma, "\",\" and a second argument"))
            return -1;
        n.b = parseOperand(depth + 1);
        if (n.b < 0)
            return -1;
    }
    if (!expect(Tok::RParen, "\")\""))
        return -1;
    return add(std::move(n));
}

int FilterParser::parseField(const Token &name)
{
    FilterNode n;
    n.op = FilterOp::Field;
    bool known = false;
    for (const auto &f : kFields) {
        if (name.text == QLatin1String(f.name)) {
            n.field = f.field;
            known = true;
            break;
        }
    }
    if (!known)
        return fail(name, QStringLiteral("unknown field %1 (fields: topic, channel, event, source, id, content_type, "
                                         "size, headers.<name>, data, data.<key>)")
                              .arg(describe(name)));
    if (n.field == FilterField::Header) {
        if (accept(Tok::Dot)) {
            const Token &h = take();
            if (h.type != Tok::Ident && h.type != Tok::Number)
                return fail(h, QStringLiteral("expected a header name after \"headers.\", found %1").arg(describe(h)));
            n.header = h.text;
        } else if (accept(Tok::LBracket)) {
            const Token &h = take();
            if (h.type != Tok::String)
                return fail(h, QStringLiteral("expected a header name in quotes, found %1").arg(describe(h)));
            n.header = h.text;
            if (!expect(Tok::RBracket, "\"]\""))
                return -1;
        } else {
            return fail(peek(), QStringLiteral("headers needs a name: headers.site or headers[\"x-site\"]"));
        }
        return add(std::move(n));
    }
    if (n.field != FilterField::Data)
        return add(std::move(n));
    for (;;) {
        FilterStep step;
        if (accept(Tok::Dot)) {
            const Token &k = take();
            if (k.type != Tok::Ident && k.type != Tok::Number)
                return fail(k, QStringLiteral("expected a key after \".\", found %1").arg(describe(k)));
            step.key = k.text;
            if (k.type == Tok::Number) {
                bool ok = false;
                const int index = k.text.toInt(&ok);
                step.index = ok && index >= 0 ? index : -1;
            }
        } else if (accept(Tok::LBracket)) {
            const Token &k = take();
            if (k.type == Tok::String) {
                step.key = k.text;
            } else if (k.type == Tok::Number) {
                bool ok = false;
                step.index = k.text.toInt(&ok);
                if (!ok || step.index < 0)
                    return fail(k, QStringLiteral("an array index is a whole number from 0, not %1").arg(k.text.left(40)));
                step.key = k.text;
            } else {
                return fail(k, QStringLiteral("expected an index or a key in quotes, found %1").arg(describe(k)));
            }
            if (!expect(Tok::RBracket, "\"]\""))
                return -1;
        } else {
            break;
        }
        n.path.push_back(std::move(step));
    }
    return add(std::move(n));
}

} // namespace sb::detail
