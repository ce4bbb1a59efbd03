// Package query turns the query string of a OneRoster REST request into
// validated values: paging, sorting, field selection and the filter
// expression (rest-query.md §§1–4).
//
// The package checks syntax only. It does not know which properties an
// entity has, so unknown names in a filter, a sort or a field selection are
// left for the caller, which holds the entity catalogue, to report or ignore
// as the standard requires. Every problem found here is a *oneroster.Error,
// so it reaches the client as a 400 with the right code-minor instead of an
// internal error.
//
// The filter grammar accepted is a superset of the standard's two-clause
// form, because real clients send longer chains and extra spaces:
//
//	filter     = *SP or *SP
//	or         = and *( 1*SP "OR" 1*SP and )
//	and        = primary *( 1*SP "AND" 1*SP primary )
//	primary    = comparison / "(" *SP or *SP ")"
//	comparison = field *SP predicate *SP "'" value "'"
//	field      = name *( "." name )
//	name       = ( ALPHA / "_" ) *( ALPHA / DIGIT / "_" )
//	predicate  = "=" / "!=" / ">" / ">=" / "<" / "<=" / "~"
//	value      = *( any character except "'" / "''" )
//
// AND binds tighter than OR and both group to the left. Parentheses are an
// extension of ours; the standard has none. A doubled quote inside a value
// stands for one quote, as in SQL, because the standard defines no escape.
// Whitespace is space, tab, CR or LF; next to a parenthesis the spaces
// around AND and OR may be left out.
package query

import "strings"

// Op is a filter predicate, spelled as in the query string.
type Op string

// The seven predicates of the standard. OpContains is a substring match.
const (
	OpEq       Op = "="
	OpNe       Op = "!="
	OpGt       Op = ">"
	OpGe       Op = ">="
	OpLt       Op = "<"
	OpLe       Op = "<="
	OpContains Op = "~"
)

// The logical operators, as they appear in Logical.Op.
const (
	And = "AND"
	Or  = "OR"
)

// Expr is a parsed filter: a *Comparison or a *Logical. The interface is
// closed so a compiler can switch over the two cases exhaustively.
type Expr interface{ isExpr() }

// Comparison is one field predicate 'value' clause.
type Comparison struct {
	Field string // dotted path such as "roles.org.sourcedId"
	Op    Op
	Value string // unquoted: a doubled quote in the input is one quote here
	// Offset is the byte offset of Field in the filter, kept so that the
	// compiler can say where an unknown field is.
	Offset int
}

// Logical joins two expressions with AND or OR.
type Logical struct {
	Op          string // And or Or
	Left, Right Expr
}

func (*Comparison) isExpr() {}
func (*Logical) isExpr()    {}

// String prints the clause in canonical form, which ParseFilter reads back
// to the same comparison. Quotes in the value are doubled for that reason.
func (c *Comparison) String() string {
	if c == nil {
		return ""
	}
	var b strings.Builder
	writeComparison(&b, c)
	return b.String()
}

// String prints the expression in canonical form: single spaces around the
// logical operators and parentheses only where the tree differs from the
// default grouping, so that ParseFilter gives back an equal tree.
func (l *Logical) String() string {
	if l == nil {
		return ""
	}
	var b strings.Builder
	writeExpr(&b, l)
	return b.String()
}

func writeComparison(b *strings.Builder, c *Comparison) {
	b.WriteString(c.Field)
	b.WriteString(string(c.Op))
	b.WriteByte('\'')
	b.WriteString(strings.ReplaceAll(c.Value, "'", "''"))
	b.WriteByte('\'')
}

// precedence orders the node kinds by how tightly they bind; a child printed
// inside a parent of higher precedence needs parentheses.
func precedence(e Expr) int {
	if l, ok := e.(*Logical); ok && l != nil {
		if l.Op == And {
			return 2
		}
		return 1
	}
	return 3
}

func writeExpr(b *strings.Builder, e Expr) {
	switch x := e.(type) {
	case *Comparison:
		if x != nil {
			writeComparison(b, x)
		}
	case *Logical:
		if x == nil {
			return
		}
		p := precedence(x)
		// The parser groups to the left, so a right operand of the same
		// operator needs parentheses while a left one does not.
		writeOperand(b, x.Left, precedence(x.Left) < p)
		b.WriteByte(' ')
		b.WriteString(x.Op)
		b.WriteByte(' ')
		writeOperand(b, x.Right, precedence(x.Right) <= p)
	}
}

func writeOperand(b *strings.Builder, e Expr, paren bool) {
	if paren {
		b.WriteByte('(')
	}
	writeExpr(b, e)
	if paren {
		b.WriteByte(')')
	}
}

// Fields returns every comparison of e from left to right, so a compiler can
// check all field names before it builds anything.
func Fields(e Expr) []*Comparison {
	var out []*Comparison
	var walk func(Expr)
	walk = func(e Expr) {
		switch x := e.(type) {
		case *Comparison:
			if x != nil {
				out = append(out, x)
			}
		case *Logical:
			if x != nil {
				walk(x.Left)
				walk(x.Right)
			}
		}
	}
	walk(e)
	return out
}
