package jsonbind

import (
	"strings"
	"testing"

	"github.com/oneroster/oneroster/internal/oneroster"
)

func TestParseHide(t *testing.T) {
	canon, v, err := ParseHide(" user.sms,user.phone  demographics user.phone\tclass.location ")
	if err != nil {
		t.Fatal(err)
	}
	if want := "class.location demographics user.phone user.sms"; canon != want {
		t.Errorf("canonical form %q, want %q", canon, want)
	}
	if v.Key != "hide:"+canon || !v.Hide["user.phone"] || !v.HidesEntity(oneroster.Demographics) || v.HidesEntity(oneroster.User) {
		t.Errorf("view %+v", v)
	}
	if !v.Hides(oneroster.Demographics, "birthDate") || !v.Hides(oneroster.User, "sms") || v.Hides(oneroster.User, "email") {
		t.Error("Hides disagrees with the rule")
	}
	// The same rule written otherwise is the same view, so caches share it.
	if _, v2, _ := ParseHide("user.sms user.phone class.location demographics"); v2.Key != v.Key {
		t.Errorf("keys %q and %q for one rule", v.Key, v2.Key)
	}
	if canon, v, err := ParseHide(""); err != nil || canon != "" || !v.Full() {
		t.Errorf(`ParseHide("") = %q, %+v, %v; want the full view`, canon, v, err)
	}
	canon, _, err = ParseHide("metadata")
	if err != nil || !strings.Contains(canon, "user.metadata") || !strings.Contains(canon, "org.metadata") || strings.Contains(canon, " metadata") {
		t.Errorf("metadata: %q, %v", canon, err)
	}
	for rule, want := range map[string]string{
		"pupil.phone":     `hide: "pupil.phone": no entity is named "pupil"`,
		"user.telephone":  `hide: "user.telephone": user has no property "telephone"`,
		"user.givenName":  `hide: "user.givenName": user.givenName is required by the standard, so it cannot be hidden`,
		"user.sourcedId":  "required by the standard",
		"user":            `hide: "user": only demographics can be hidden as a whole; name a property, such as user.`,
		"user.phone oops": `no entity is named "oops"`,
	} {
		if _, _, err := ParseHide(rule); err == nil || !strings.HasPrefix(err.Error(), want) && !strings.Contains(err.Error(), want) {
			t.Errorf("ParseHide(%q) = %v, want %q", rule, err, want)
		}
	}
}
