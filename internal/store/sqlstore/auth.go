package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
)

func (db *DB) CreateClient(ctx context.Context, c store.Client) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO oauth_clients (client_id, name, secret_hash, scopes, hide, orgs, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			c.ID, c.Name, c.SecretHash, c.Scopes, c.Hide, c.Orgs, oneroster.FormatTime(c.CreatedAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("create client: %w", err)
	}
	return nil
}

const clientCols = `client_id, name, secret_hash, scopes, hide, orgs, created_at, rotated_at, revoked_at, token_gen`

func scanClient(row interface{ Scan(...any) error }) (store.Client, error) {
	var c store.Client
	err := row.Scan(&c.ID, &c.Name, &c.SecretHash, &c.Scopes, &c.Hide, &c.Orgs, storedTime{&c.CreatedAt}, storedTime{&c.RotatedAt}, storedTime{&c.RevokedAt}, &c.TokenGen)
	return c, err
}

func (db *DB) Client(ctx context.Context, id string) (store.Client, error) {
	c, err := scanClient(db.r.QueryRowContext(ctx, db.rebind(`SELECT `+clientCols+` FROM oauth_clients WHERE client_id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, oneroster.NotFound("client", id)
	}
	if err != nil {
		return c, fmt.Errorf("client: %w", err)
	}
	return c, nil
}

func (db *DB) Clients(ctx context.Context) ([]store.Client, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+clientCols+` FROM oauth_clients ORDER BY created_at, client_id`)
	if err != nil {
		return nil, fmt.Errorf("clients: %w", err)
	}
	defer rows.Close()
	var out []store.Client
	for rows.Next() {
		c, err := scanClient(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// updateClient changes a client; with endTokens it also moves the
// client's token generation on, which ends its tokens at once (Token),
// and then deletes them. The delete is tidying, outside the change's
// transaction when tokens live in a file of their own: a token it misses
// is refused by its generation all the same.
func (db *DB) updateClient(ctx context.Context, id string, endTokens bool, set string, args ...any) error {
	if endTokens {
		set += `, token_gen = token_gen + 1`
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.rebind(`UPDATE oauth_clients SET `+set+` WHERE client_id = ?`), append(args, id)...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return oneroster.NotFound("client", id)
		}
		return nil
	})
	if err != nil || !endTokens {
		return err
	}
	_ = db.inTxOn(ctx, db.aw, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, db.rebind(`DELETE FROM oauth_tokens WHERE client_id = ?`), id)
		return err
	})
	return nil
}

func (db *DB) RevokeClient(ctx context.Context, id string, now time.Time) error {
	return db.updateClient(ctx, id, true, `revoked_at = ?`, oneroster.FormatTime(now))
}

func (db *DB) SetClientSecret(ctx context.Context, id, hash string, now time.Time) error {
	return db.updateClient(ctx, id, true, `secret_hash = ?, rotated_at = ?`, hash, oneroster.FormatTime(now))
}

func (db *DB) SetClientScopes(ctx context.Context, id, scopes string) error {
	return db.updateClient(ctx, id, true, `scopes = ?`, scopes)
}

func (db *DB) SetClientHide(ctx context.Context, id, hide string) error {
	return db.updateClient(ctx, id, false, `hide = ?`, hide)
}

func (db *DB) SetClientOrgs(ctx context.Context, id, orgs string) error {
	return db.updateClient(ctx, id, false, `orgs = ?`, orgs)
}

func (db *DB) CreateToken(ctx context.Context, hash string, t store.Token, at time.Time) error {
	now := oneroster.FormatTime(at)
	return db.inTxOn(ctx, db.aw, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.rebind(`DELETE FROM oauth_tokens WHERE expires_at < ?`), now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO oauth_tokens (token_hash, client_id, scopes, issued_at, expires_at, client_gen) VALUES (?, ?, ?, ?, ?, ?)`),
			hash, t.ClientID, t.Scopes, now, oneroster.FormatTime(t.ExpiresAt), t.Gen)
		return err
	})
}

// Token reads the token, then its client: two statements, since on SQLite
// they live in two files. The client's rules are read as they stand now;
// a revoked client, or one whose token generation moved on since the
// token was issued, has no tokens.
func (db *DB) Token(ctx context.Context, hash string, now time.Time) (store.Token, error) {
	var t store.Token
	err := db.ar.QueryRowContext(ctx, db.rebind(`SELECT client_id, scopes, expires_at, client_gen FROM oauth_tokens
		WHERE token_hash = ? AND expires_at > ?`), hash, oneroster.FormatTime(now)).Scan(&t.ClientID, &t.Scopes, storedTime{&t.ExpiresAt}, &t.Gen)
	if errors.Is(err, sql.ErrNoRows) {
		return t, oneroster.ErrNotFound
	}
	if err != nil {
		return t, fmt.Errorf("token: %w", err)
	}
	var gen int64
	err = db.r.QueryRowContext(ctx, db.rebind(`SELECT hide, orgs, token_gen FROM oauth_clients WHERE client_id = ? AND revoked_at = ''`),
		t.ClientID).Scan(&t.Hide, &t.Orgs, &gen)
	if errors.Is(err, sql.ErrNoRows) || err == nil && gen != t.Gen {
		return store.Token{}, oneroster.ErrNotFound
	}
	if err != nil {
		return store.Token{}, fmt.Errorf("token: %w", err)
	}
	return t, nil
}

func (db *DB) AddFailure(ctx context.Context, key string, now, since time.Time) error {
	return db.inTxOn(ctx, db.aw, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.rebind(`DELETE FROM auth_failures WHERE at <= ?`), oneroster.FormatTime(since)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO auth_failures (key, at) VALUES (?, ?)`), key, oneroster.FormatTime(now))
		return err
	})
}

func (db *DB) Failures(ctx context.Context, key string, since time.Time) (int, time.Time, error) {
	var n int
	var oldest time.Time
	err := db.ar.QueryRowContext(ctx, db.rebind(`SELECT COUNT(*), MIN(at) FROM auth_failures WHERE key = ? AND at > ?`), key, oneroster.FormatTime(since)).Scan(&n, storedTime{&oldest})
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("failures: %w", err)
	}
	return n, oldest, nil
}

func (db *DB) ClearFailures(ctx context.Context, prefix string) (int64, error) {
	var n int64
	err := db.inTxOn(ctx, db.aw, func(tx *sql.Tx) error {
		// substr, not LIKE: ids hold '_'. Both engines count characters.
		res, err := tx.ExecContext(ctx, db.rebind(`DELETE FROM auth_failures WHERE substr(key, 1, ?) = ?`), utf8.RuneCountInString(prefix), prefix)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("clear failures: %w", err)
	}
	return n, nil
}

// storedTime scans a stored time ("" or NULL: the zero time) into T.
type storedTime struct{ T *time.Time }

func (s storedTime) Scan(src any) error {
	var text string
	switch v := src.(type) {
	case nil:
	case string:
		text = v
	case []byte:
		text = string(v)
	default:
		return fmt.Errorf("stored time: unexpected %T", src)
	}
	t, err := oneroster.ParseTime(text)
	if err != nil {
		return fmt.Errorf("stored time %q: %w", text, err)
	}
	*s.T = t
	return nil
}

// usageHour is the stored form of an hour: "2026-12-04T09".
func usageHour(t time.Time) string { return t.UTC().Format("2006-01-02T15") }

func (db *DB) AddUsage(ctx context.Context, batch []store.Usage, forget time.Time) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		for _, u := range batch {
			_, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO client_usage (client_id, hour, requests, records, last_used) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (client_id, hour) DO UPDATE SET requests = client_usage.requests + excluded.requests,
				records = client_usage.records + excluded.records,
				last_used = CASE WHEN excluded.last_used > client_usage.last_used THEN excluded.last_used ELSE client_usage.last_used END`),
				u.ClientID, usageHour(u.Hour), u.Requests, u.Records, oneroster.FormatTime(u.LastUsed))
			if err != nil {
				return fmt.Errorf("add usage: %w", err)
			}
		}
		_, err := tx.ExecContext(ctx, db.rebind(`DELETE FROM client_usage WHERE hour < ?`), usageHour(forget))
		return err
	})
}

func (db *DB) UsageSince(ctx context.Context, since time.Time) (map[string]store.Usage, error) {
	rows, err := db.r.QueryContext(ctx, db.rebind(`SELECT client_id, CAST(SUM(requests) AS BIGINT), CAST(SUM(records) AS BIGINT), MAX(last_used)
		FROM client_usage WHERE hour >= ? GROUP BY client_id`), usageHour(since))
	if err != nil {
		return nil, fmt.Errorf("usage: %w", err)
	}
	defer rows.Close()
	out := map[string]store.Usage{}
	for rows.Next() {
		var u store.Usage
		if err := rows.Scan(&u.ClientID, &u.Requests, &u.Records, storedTime{&u.LastUsed}); err != nil {
			return nil, err
		}
		out[u.ClientID] = u
	}
	return out, rows.Err()
}
