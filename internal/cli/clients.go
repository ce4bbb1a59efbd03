package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/oneroster/oneroster/internal/auth"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
)

func runClients(ctx context.Context, e *env, args []string) int {
	const usage = "create --name NAME --scope \"S1 S2 …\" [--orgs \"ID …\"] [--hide \"entity.property …\"] [--json] | update ID [--scope \"…\"] [--orgs \"ID …\" | --all-orgs] [--hide \"…\"] | list [--json] | revoke ID | rotate ID [--json] | unlock ID"
	fs := e.flags("clients", usage)
	db := e.dbFlag(fs)
	name := fs.String("name", "", "create: a name for the client (who uses it)")
	scope := fs.String("scope", "", "create, update: space-separated scopes, short (roster.readonly) or full URIs")
	hide := fs.String("hide", "", "create, update: properties the client never receives, e.g. \"user.phone user.sms demographics\" (update: \"\" hides nothing again)")
	orgs := fs.String("orgs", "", "create, update: the orgs whose data alone the client sees, with every org below them (sourcedIds separated by spaces)")
	allOrgs := fs.Bool("all-orgs", false, "update: the client sees every org again")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return usageErr(e, fs, err)
	}
	if len(pos) == 0 {
		return usageErr(e, fs, fmt.Errorf("want a subcommand: create, update, list, revoke, rotate or unlock"))
	}
	sub, rest := pos[0], pos[1:]
	want := map[string]int{"create": 0, "update": 1, "list": 0, "revoke": 1, "rotate": 1, "unlock": 1}
	n, ok := want[sub]
	if !ok {
		return usageErr(e, fs, fmt.Errorf("unknown subcommand %q", sub))
	}
	if len(rest) != n {
		return usageErr(e, fs, fmt.Errorf("%s takes %d argument(s)", sub, n))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var scopes []string
	if sub == "update" {
		if !set["scope"] && !set["hide"] && !set["orgs"] && !set["all-orgs"] {
			return usageErr(e, fs, fmt.Errorf("update needs --scope, --orgs, --all-orgs or --hide"))
		}
		if set["orgs"] && set["all-orgs"] {
			return usageErr(e, fs, fmt.Errorf("--orgs and --all-orgs exclude each other"))
		}
		if set["orgs"] && strings.TrimSpace(*orgs) == "" {
			return usageErr(e, fs, fmt.Errorf("--orgs is empty; name at least one org, or give --all-orgs"))
		}
		if set["scope"] {
			if scopes, err = auth.ParseScopes(*scope); err != nil || len(scopes) == 0 {
				if err == nil {
					err = fmt.Errorf("--scope is empty; a client needs at least one scope")
				}
				return usageErr(e, fs, err)
			}
		}
	}
	if sub == "create" {
		if *name == "" {
			return usageErr(e, fs, fmt.Errorf("create needs --name"))
		}
		if scopes, err = auth.ParseScopes(*scope); err != nil || len(scopes) == 0 {
			if err == nil {
				err = fmt.Errorf("create needs --scope (one or more of: %s)", strings.Join(auth.ShortNames(auth.AllScopes), ", "))
			}
			return usageErr(e, fs, err)
		}
	}
	// Only create may make the database: the others read or change
	// clients that must already be there.
	open := openExisting
	if sub == "create" {
		open = openStore
	}
	st, err := open(ctx, *db)
	if err != nil {
		return storeErr(e, "clients "+sub, err)
	}
	defer st.Close()
	svc := auth.New(st, auth.Config{})
	fail := func(err error) int {
		fmt.Fprintf(e.stderr, "oneroster clients %s: %v\n", sub, err)
		return ExitRejected
	}
	printJSON := func(v any) {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(v)
	}
	switch sub {
	case "create":
		if err := orgsExist(ctx, st, *orgs); err != nil {
			return fail(err)
		}
		id, secret, err := svc.CreateClient(ctx, *name, scopes, auth.Rules{Hide: *hide, Orgs: *orgs})
		if err != nil {
			return fail(err)
		}
		c, err := svc.Client(ctx, id)
		if err != nil {
			return fail(err)
		}
		if *asJSON {
			printJSON(struct {
				ID     string   `json:"client_id"`
				Secret string   `json:"client_secret"`
				Scope  string   `json:"scope"`
				Orgs   []string `json:"orgs,omitempty"`
				Hide   []string `json:"hide,omitempty"`
			}{id, secret, strings.Join(scopes, " "), strings.Fields(c.Orgs), strings.Fields(c.Hide)})
			return ExitOK
		}
		fmt.Fprintf(e.stdout, "client_id:     %s\nclient_secret: %s\nscope:         %s\n", id, secret, strings.Join(auth.ShortNames(scopes), " "))
		if c.Orgs != "" {
			fmt.Fprintf(e.stdout, "orgs:          %s\n", c.Orgs)
		}
		if c.Hide != "" {
			fmt.Fprintf(e.stdout, "hide:          %s\n", c.Hide)
		}
		fmt.Fprint(e.stdout, "\nThe secret is shown only now; store it safely.\n")
	case "update":
		if set["scope"] {
			if err := svc.SetScopes(ctx, rest[0], scopes); err != nil {
				return fail(err)
			}
			fmt.Fprintf(e.stdout, "%s: scope %s; its tokens stopped working, the next one holds the new scopes\n", rest[0], strings.Join(auth.ShortNames(scopes), " "))
		}
		if set["orgs"] || set["all-orgs"] {
			list := *orgs
			if *allOrgs {
				list = ""
			}
			if err := orgsExist(ctx, st, list); err != nil {
				return fail(err)
			}
			canon, err := svc.SetOrgs(ctx, rest[0], list)
			if err != nil {
				return fail(err)
			}
			if canon == "" {
				canon = "every org"
			}
			fmt.Fprintf(e.stdout, "%s: sees %s, within %s for tokens already issued\n", rest[0], canon, "10s")
		}
		if set["hide"] {
			canon, err := svc.SetHide(ctx, rest[0], *hide)
			if err != nil {
				return fail(err)
			}
			if canon == "" {
				canon = "nothing"
			}
			fmt.Fprintf(e.stdout, "%s: hides %s, within %s for tokens already issued\n", rest[0], canon, "10s")
		}
	case "list":
		cs, err := svc.Clients(ctx)
		if err != nil {
			return fail(err)
		}
		now := time.Now()
		day, err := st.UsageSince(ctx, now.Add(-24*time.Hour))
		if err != nil {
			return fail(err)
		}
		month, err := st.UsageSince(ctx, now.Add(-30*24*time.Hour))
		if err != nil {
			return fail(err)
		}
		if *asJSON {
			type out struct {
				ClientID  string   `json:"client_id"`
				Name      string   `json:"name"`
				Scope     string   `json:"scope"`
				Orgs      []string `json:"orgs,omitempty"`
				Hide      []string `json:"hide,omitempty"`
				CreatedAt string   `json:"created_at"`
				RotatedAt string   `json:"rotated_at,omitempty"`
				RevokedAt string   `json:"revoked_at,omitempty"`
				LastUsed  string   `json:"last_used,omitempty"`
				Usage     struct {
					Day   counts `json:"24h"`
					Month counts `json:"30d"`
				} `json:"usage"`
			}
			list := []out{}
			for _, c := range cs {
				o := out{ClientID: c.ID, Name: c.Name, Scope: c.Scopes, Orgs: strings.Fields(c.Orgs), Hide: strings.Fields(c.Hide),
					CreatedAt: oneroster.FormatTime(c.CreatedAt), RotatedAt: oneroster.FormatTime(c.RotatedAt), RevokedAt: oneroster.FormatTime(c.RevokedAt),
					LastUsed: oneroster.FormatTime(month[c.ID].LastUsed)}
				o.Usage.Day = counts{day[c.ID].Requests, day[c.ID].Records}
				o.Usage.Month = counts{month[c.ID].Requests, month[c.ID].Records}
				list = append(list, o)
			}
			printJSON(list)
			return ExitOK
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "CLIENT_ID\tNAME\tCREATED\tREVOKED\tLAST_USED\tREQUESTS_24H\tRECORDS_24H\tREQUESTS_30D\tRECORDS_30D\tSCOPES\tORGS\tHIDES")
		dash := func(s string) string {
			if s == "" {
				return "-"
			}
			return s
		}
		for _, c := range cs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\t%s\t%s\n", c.ID, c.Name, oneroster.FormatTime(c.CreatedAt), dash(oneroster.FormatTime(c.RevokedAt)),
				dash(oneroster.FormatTime(month[c.ID].LastUsed)), day[c.ID].Requests, day[c.ID].Records, month[c.ID].Requests, month[c.ID].Records,
				strings.Join(auth.ShortNames(strings.Fields(c.Scopes)), " "), dash(c.Orgs), dash(c.Hide))
		}
		tw.Flush()
	case "revoke":
		if err := svc.Revoke(ctx, rest[0]); err != nil {
			return fail(err)
		}
		fmt.Fprintf(e.stdout, "revoked %s: its tokens stop working within %s\n", rest[0], "10s")
	case "unlock":
		n, err := svc.Unlock(ctx, rest[0])
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(e.stdout, "unlocked %s: forgot %d failed token request(s) from every address\n", rest[0], n)
	case "rotate":
		secret, err := svc.RotateSecret(ctx, rest[0])
		if err != nil {
			return fail(err)
		}
		if *asJSON {
			printJSON(map[string]string{"client_id": rest[0], "client_secret": secret})
			return ExitOK
		}
		fmt.Fprintf(e.stdout, "client_id:     %s\nclient_secret: %s\n\nThe old secret and its tokens no longer work.\n", rest[0], secret)
	}
	return ExitOK
}

// orgsExist refuses an org list that names an org the store does not hold
// as active, naming it: a rule that lists a mistyped school would show the
// client nothing, and nobody would know why.
func orgsExist(ctx context.Context, st store.Store, orgs string) error {
	for _, id := range strings.Fields(orgs) {
		status, err := st.Status(ctx, oneroster.Org, id)
		switch {
		case errors.Is(err, oneroster.ErrNotFound):
			return fmt.Errorf("--orgs: no org has sourcedId %q (oneroster export, or GET /orgs, lists them)", id)
		case err != nil:
			return err
		case status != "active":
			return fmt.Errorf("--orgs: org %q is deleted (tobedeleted)", id)
		}
	}
	return nil
}

// counts are a client's requests and the records it received.
type counts struct {
	Requests int64 `json:"requests"`
	Records  int64 `json:"records"`
}
