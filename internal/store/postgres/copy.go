package postgres

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/stdlib"
)

// copyIn appends rows to table with COPY … FROM STDIN in text format: one
// statement and one stream for a whole batch, where a multi-row INSERT
// makes the server bind and plan thousands of parameters. Text format
// hands every value to the column type's input function, exactly as a
// text bind argument would be, so what is stored does not change.
func copyIn(ctx context.Context, conn *sql.Conn, table string, cols []string, rows [][]any) error {
	var buf bytes.Buffer
	for _, r := range rows {
		for i, v := range r {
			if i > 0 {
				buf.WriteByte('\t')
			}
			switch v := v.(type) {
			case nil:
				buf.WriteString(`\N`)
			case string:
				writeCopyText(&buf, v)
			case int64:
				buf.WriteString(strconv.FormatInt(v, 10))
			default:
				return fmt.Errorf("copy %s: unsupported value %T", table, v)
			}
		}
		buf.WriteByte('\n')
	}
	q := `COPY ` + table + ` (` + strings.Join(cols, ", ") + `) FROM STDIN`
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("copy %s: not a pgx connection (%T)", table, dc)
		}
		_, err := c.Conn().PgConn().CopyFrom(ctx, &buf, q)
		return err
	})
}

// writeCopyText escapes s for COPY's text format, where backslash, tab,
// newline and carriage return are special.
func writeCopyText(buf *bytes.Buffer, s string) {
	if !strings.ContainsAny(s, "\\\t\n\r") {
		buf.WriteString(s)
		return
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			buf.WriteString(`\\`)
		case '\t':
			buf.WriteString(`\t`)
		case '\n':
			buf.WriteString(`\n`)
		case '\r':
			buf.WriteString(`\r`)
		default:
			buf.WriteByte(c)
		}
	}
}
