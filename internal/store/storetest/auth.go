package storetest

import (
	"time"

	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
)

// testAuthStore: clients, tokens and failed attempts behave alike on
// every engine: a revoked client's tokens stop, a new secret ends the old
// tokens, expired tokens are neither returned nor kept, failures count
// within their window.
func testAuthStore(t *testing.T, open Opener) {
	st := open(t)
	ctx := context.Background()
	at := func(s string) time.Time { t, _ := oneroster.ParseTime("2026-03-01T" + s + ".000Z"); return t }
	for _, c := range []store.Client{
		{ID: "c-b", Name: "Reading app", SecretHash: "h1", Scopes: "s1 s2", Hide: "user.phone demographics", CreatedAt: at("10:00:00")},
		{ID: "c-a", Name: "Gradebook", SecretHash: "h2", Scopes: "s3", CreatedAt: at("10:00:00")},
	} {
		if err := st.CreateClient(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.CreateClient(ctx, store.Client{ID: "c-a", Name: "again", CreatedAt: at("10:00:01")}); err == nil {
		t.Error("a second client with the same id was created")
	}
	if c, err := st.Client(ctx, "c-b"); err != nil || c.Name != "Reading app" || c.SecretHash != "h1" || c.Scopes != "s1 s2" || c.Hide != "user.phone demographics" || !c.RevokedAt.IsZero() {
		t.Errorf("Client(c-b) = %+v, %v", c, err)
	}
	if _, err := st.Client(ctx, "nope"); !errors.Is(err, oneroster.ErrNotFound) {
		t.Errorf("Client(nope): %v", err)
	}
	list, err := st.Clients(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range list {
		ids = append(ids, c.ID)
	}
	if !slices.Equal(ids, []string{"c-a", "c-b"}) { // by creation, then id
		t.Errorf("Clients = %v", ids)
	}

	tok := func(hash, client string, expires time.Time) {
		t.Helper()
		if err := st.CreateToken(ctx, hash, store.Token{ClientID: client, Scopes: "s1", ExpiresAt: expires}, at("11:00:00")); err != nil {
			t.Fatal(err)
		}
	}
	tok("t1", "c-b", at("12:00:00"))
	tok("t2", "c-a", at("12:00:00"))
	if got, err := st.Token(ctx, "t1", at("11:30:00")); err != nil || got.ClientID != "c-b" || got.Scopes != "s1" || !got.ExpiresAt.Equal(at("12:00:00")) {
		t.Errorf("Token(t1) = %+v, %v", got, err)
	}
	if _, err := st.Token(ctx, "t1", at("12:00:00")); !errors.Is(err, oneroster.ErrNotFound) {
		t.Errorf("an expired token: %v", err)
	}
	// The client's Hide rule is read with the token: a change reaches the
	// tokens already issued, which stay valid.
	if got, _ := st.Token(ctx, "t1", at("11:30:00")); got.Hide != "user.phone demographics" {
		t.Errorf("Token(t1).Hide = %q", got.Hide)
	}
	if err := st.SetClientHide(ctx, "c-b", "user.sms"); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Token(ctx, "t1", at("11:30:00")); err != nil || got.Hide != "user.sms" {
		t.Errorf("after SetClientHide: Token(t1) = %+v, %v", got, err)
	}
	if c, _ := st.Client(ctx, "c-b"); c.Hide != "user.sms" || c.Scopes != "s1 s2" {
		t.Errorf("after SetClientHide: %+v", c)
	}
	if err := st.SetClientOrgs(ctx, "c-b", "org-1 org-2"); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Token(ctx, "t1", at("11:30:00")); err != nil || got.Orgs != "org-1 org-2" || got.Hide != "user.sms" {
		t.Errorf("after SetClientOrgs: Token(t1) = %+v, %v", got, err)
	}
	if c, _ := st.Client(ctx, "c-b"); c.Orgs != "org-1 org-2" {
		t.Errorf("after SetClientOrgs: %+v", c)
	}
	// New scopes end the tokens, which hold the scopes they were issued with.
	tok("t4", "c-b", at("12:00:00"))
	if err := st.SetClientScopes(ctx, "c-b", "s2"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Token(ctx, "t4", at("11:30:00")); !errors.Is(err, oneroster.ErrNotFound) {
		t.Errorf("a token issued before new scopes: %v", err)
	}
	if c, _ := st.Client(ctx, "c-b"); c.Scopes != "s2" || c.Hide != "user.sms" {
		t.Errorf("after SetClientScopes: %+v", c)
	}
	// A new secret ends the client's tokens; a revocation too, and the
	// client is still listed, revoked.
	if err := st.SetClientSecret(ctx, "c-b", "h9", at("11:40:00")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Token(ctx, "t1", at("11:41:00")); !errors.Is(err, oneroster.ErrNotFound) {
		t.Errorf("a token of the old secret: %v", err)
	}
	if c, _ := st.Client(ctx, "c-b"); c.SecretHash != "h9" || !c.RotatedAt.Equal(at("11:40:00")) {
		t.Errorf("after SetClientSecret: %+v", c)
	}
	// A token stored under the generation read before a change (a token
	// request racing a rotation: the client read, then the secret changed,
	// then the token stored) is refused; one under the new generation is
	// not. This holds where tokens and clients live in different files.
	before, _ := st.Client(ctx, "c-b")
	if err := st.SetClientSecret(ctx, "c-b", "h10", at("11:42:00")); err != nil {
		t.Fatal(err)
	}
	after, _ := st.Client(ctx, "c-b")
	if after.TokenGen == before.TokenGen {
		t.Errorf("a new secret left the token generation at %d", after.TokenGen)
	}
	for _, c := range []struct {
		hash string
		gen  int64
		ok   bool
	}{{"t5", before.TokenGen, false}, {"t6", after.TokenGen, true}} {
		if err := st.CreateToken(ctx, c.hash, store.Token{ClientID: "c-b", Scopes: "s2", ExpiresAt: at("12:00:00"), Gen: c.gen}, at("11:43:00")); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Token(ctx, c.hash, at("11:44:00")); (err == nil) != c.ok {
			t.Errorf("a token of generation %d (the client's is %d): %v", c.gen, after.TokenGen, err)
		}
	}
	if c, _ := st.Client(ctx, "c-b"); c.TokenGen != after.TokenGen {
		t.Errorf("SetClientHide or a token moved the generation: %d, want %d", c.TokenGen, after.TokenGen)
	}
	if err := st.RevokeClient(ctx, "c-a", at("11:45:00")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Token(ctx, "t2", at("11:46:00")); !errors.Is(err, oneroster.ErrNotFound) {
		t.Errorf("a token of a revoked client: %v", err)
	}
	tok("t3", "c-a", at("13:00:00")) // issued by a bug, after the revocation
	if _, err := st.Token(ctx, "t3", at("11:47:00")); !errors.Is(err, oneroster.ErrNotFound) {
		t.Errorf("a revoked client's token: %v", err)
	}
	if c, _ := st.Client(ctx, "c-a"); !c.RevokedAt.Equal(at("11:45:00")) {
		t.Errorf("after RevokeClient: %+v", c)
	}
	for _, f := range []func() error{
		func() error { return st.RevokeClient(ctx, "nope", at("11:00:00")) },
		func() error { return st.SetClientSecret(ctx, "nope", "h", at("11:00:00")) },
		func() error { return st.SetClientScopes(ctx, "nope", "s1") },
		func() error { return st.SetClientHide(ctx, "nope", "") },
		func() error { return st.SetClientOrgs(ctx, "nope", "") },
	} {
		if err := f(); !errors.Is(err, oneroster.ErrNotFound) {
			t.Errorf("change of an unknown client: %v", err)
		}
	}

	// Usage adds up by client and hour; sums run from an hour on; old
	// hours are forgotten.
	hour := func(h string) time.Time { return at(h + ":00:00") }
	for _, batch := range [][]store.Usage{
		{{ClientID: "c-a", Hour: hour("08"), Requests: 3, Records: 300, LastUsed: at("08:59:00")}, {ClientID: "c-b", Hour: hour("09"), Requests: 1, Records: 1, LastUsed: at("09:10:00")}},
		{{ClientID: "c-a", Hour: hour("09"), Requests: 2, Records: 20, LastUsed: at("09:30:00")}, {ClientID: "c-a", Hour: hour("09"), Requests: 1, Records: 5, LastUsed: at("09:20:00")}},
	} {
		if err := st.AddUsage(ctx, batch, hour("01")); err != nil {
			t.Fatal(err)
		}
	}
	u, err := st.UsageSince(ctx, hour("09"))
	if err != nil {
		t.Fatal(err)
	}
	if a := u["c-a"]; a.Requests != 3 || a.Records != 25 || !a.LastUsed.Equal(at("09:30:00")) || u["c-b"].Requests != 1 || len(u) != 2 {
		t.Errorf("UsageSince 09:00 = %+v", u)
	}
	if u, _ := st.UsageSince(ctx, hour("00")); u["c-a"].Requests != 6 || u["c-a"].Records != 325 {
		t.Errorf("UsageSince 00:00 = %+v", u)
	}
	if err := st.AddUsage(ctx, nil, hour("09")); err != nil {
		t.Fatal(err)
	}
	if u, _ := st.UsageSince(ctx, hour("00")); u["c-a"].Requests != 3 {
		t.Errorf("after forgetting hours before 09:00: %+v", u)
	}

	// Failures count after since, per key; adding one forgets the old.
	for _, s := range []string{"10:00:00", "10:05:00", "10:10:00"} {
		if err := st.AddFailure(ctx, "ip:1", at(s), at("09:00:00")); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.AddFailure(ctx, "ip:2", at("10:06:00"), at("09:00:00")); err != nil {
		t.Fatal(err)
	}
	if n, oldest, err := st.Failures(ctx, "ip:1", at("10:01:00")); err != nil || n != 2 || !oldest.Equal(at("10:05:00")) {
		t.Errorf("Failures(ip:1 after 10:01) = %d, %v, %v; want 2 from 10:05", n, oldest, err)
	}
	if err := st.AddFailure(ctx, "ip:2", at("10:20:00"), at("10:07:00")); err != nil {
		t.Fatal(err)
	}
	if n, oldest, _ := st.Failures(ctx, "ip:1", at("09:00:00")); n != 1 || !oldest.Equal(at("10:10:00")) {
		t.Errorf("after an AddFailure whose window starts at 10:07, ip:1 has %d failures from %v; want the one of 10:10", n, oldest)
	}
	if n, oldest, _ := st.Failures(ctx, "ip:2", at("09:00:00")); n != 1 || !oldest.Equal(at("10:20:00")) {
		t.Errorf("Failures(ip:2) = %d, %v", n, oldest)
	}

	// ClearFailures forgets the keys with a prefix, taken literally.
	keys := []string{"client:c_1 addr:a", "client:c_1 addr:b", "client:c_1 addr:b", "client:cx1 addr:a", "client:c_10 addr:a", "addr:client:c_1 ", "client:c_é addr:a"}
	for _, k := range keys {
		if err := st.AddFailure(ctx, k, at("10:21:00"), at("10:07:00")); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := st.ClearFailures(ctx, "client:c_1 "); err != nil || n != 3 {
		t.Errorf("ClearFailures(client:c_1 ) = %d, %v; want 3", n, err)
	}
	if n, err := st.ClearFailures(ctx, "client:c_é "); err != nil || n != 1 {
		t.Errorf("ClearFailures(client:c_é ) = %d, %v; want 1", n, err)
	}
	for _, k := range keys {
		want := 1
		if strings.HasPrefix(k, "client:c_1 ") || strings.HasPrefix(k, "client:c_é ") {
			want = 0
		}
		if n, _, _ := st.Failures(ctx, k, at("10:07:00")); n != want {
			t.Errorf("after ClearFailures, %q has %d failures, want %d", k, n, want)
		}
	}
	if n, err := st.ClearFailures(ctx, "client:nobody "); err != nil || n != 0 {
		t.Errorf("ClearFailures(client:nobody ) = %d, %v", n, err)
	}
}

// testImportHistory: the history lists finished imports, newest first,
// and gives one by id.
func testImportHistory(t *testing.T, open Opener, imp Importer) {
	st := open(t)
	ctx := context.Background()
	MustImport(t, imp, st, WritePackage(t, RosterFiles(), ""), t1)
	for i, outcome := range []string{"rejected", "cancelled"} {
		if err := st.RecordImport(ctx, store.ImportRecord{StartedAt: time.Date(2026, 2, 1+i, 0, 0, 0, 0, time.UTC),
			FinishedAt: time.Date(2026, 2, 1+i, 0, 0, 1, 0, time.UTC), Source: "pkg-" + outcome, Outcome: outcome, Report: `{"ok":false}`}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := st.Imports(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range list {
		got = append(got, r.Outcome)
	}
	if !slices.Equal(got, []string{"cancelled", "rejected", "imported"}) {
		t.Fatalf("Imports = %v", got)
	}
	if two, _ := st.Imports(ctx, 2); len(two) != 2 {
		t.Errorf("Imports(2) gave %d", len(two))
	}
	r, err := st.Import(ctx, list[2].ID)
	if err != nil || r.Outcome != "imported" || r.Report == "" || r.FinishedAt.IsZero() {
		t.Errorf("Import(%d) = %+v, %v", list[2].ID, r, err)
	}
	// An import that has not finished is not history yet.
	tx, err := st.BeginImport(ctx, "running", "")
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := st.Import(ctx, tx.ID()); !errors.Is(err, oneroster.ErrNotFound) {
		t.Errorf("an import in progress: %v", err)
	}
}
