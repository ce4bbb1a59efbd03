package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/oneroster/oneroster/internal/auth"
	"github.com/oneroster/oneroster/internal/oneroster"
)

func runClients(ctx context.Context, e *env, args []string) int {
	const usage = "create --name NAME --scope \"S1 S2 …\" [--hide \"entity.property …\"] [--json] | update ID [--scope \"…\"] [--hide \"…\"] | list [--json] | revoke ID | rotate ID [--json]"
	fs := e.flags("clients", usage)
	db := e.dbFlag(fs)
	name := fs.String("name", "", "create: a name for the client (who uses it)")
	scope := fs.String("scope", "", "create, update: space-separated scopes, short (roster.readonly) or full URIs")
	hide := fs.String("hide", "", "create, update: properties the client never receives, e.g. \"user.phone user.sms demographics\" (update: \"\" hides nothing again)")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return usageErr(e, fs, err)
	}
	if len(pos) == 0 {
		return usageErr(e, fs, fmt.Errorf("want a subcommand: create, update, list, revoke or rotate"))
	}
	sub, rest := pos[0], pos[1:]
	want := map[string]int{"create": 0, "update": 1, "list": 0, "revoke": 1, "rotate": 1}
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
		if !set["scope"] && !set["hide"] {
			return usageErr(e, fs, fmt.Errorf("update needs --scope or --hide (or both)"))
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
		id, secret, err := svc.CreateClient(ctx, *name, scopes, *hide)
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
				Hide   []string `json:"hide,omitempty"`
			}{id, secret, strings.Join(scopes, " "), strings.Fields(c.Hide)})
			return ExitOK
		}
		fmt.Fprintf(e.stdout, "client_id:     %s\nclient_secret: %s\nscope:         %s\n", id, secret, strings.Join(auth.ShortNames(scopes), " "))
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
		if *asJSON {
			type out struct {
				ClientID  string   `json:"client_id"`
				Name      string   `json:"name"`
				Scope     string   `json:"scope"`
				Hide      []string `json:"hide,omitempty"`
				CreatedAt string   `json:"created_at"`
				RotatedAt string   `json:"rotated_at,omitempty"`
				RevokedAt string   `json:"revoked_at,omitempty"`
			}
			list := []out{}
			for _, c := range cs {
				list = append(list, out{c.ID, c.Name, c.Scopes, strings.Fields(c.Hide), oneroster.FormatTime(c.CreatedAt), oneroster.FormatTime(c.RotatedAt), oneroster.FormatTime(c.RevokedAt)})
			}
			printJSON(list)
			return ExitOK
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "CLIENT_ID\tNAME\tCREATED\tREVOKED\tSCOPES\tHIDES")
		for _, c := range cs {
			revoked, hides := oneroster.FormatTime(c.RevokedAt), c.Hide
			if revoked == "" {
				revoked = "-"
			}
			if hides == "" {
				hides = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Name, oneroster.FormatTime(c.CreatedAt), revoked, strings.Join(auth.ShortNames(strings.Fields(c.Scopes)), " "), hides)
		}
		tw.Flush()
	case "revoke":
		if err := svc.Revoke(ctx, rest[0]); err != nil {
			return fail(err)
		}
		fmt.Fprintf(e.stdout, "revoked %s: its tokens stop working within %s\n", rest[0], "10s")
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
