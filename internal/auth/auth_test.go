package auth

import (
	"strings"
	"testing"
)

func TestParseScopes(t *testing.T) {
	got, err := ParseScopes("roster.readonly " + Roster + "  gradebook.delete")
	if err != nil || strings.Join(got, " ") != GradebookDelete+" "+Roster {
		t.Errorf("ParseScopes = %v, %v", got, err)
	}
	for _, bad := range []string{"roster", "https://purl.imsglobal.org/spec/or/v1p1/scope/roster.readonly", "ROSTER.READONLY"} {
		if _, err := ParseScopes(bad); err == nil {
			t.Errorf("ParseScopes(%q) accepted", bad)
		}
	}
	if len(AllScopes) != 13 {
		t.Errorf("%d scopes, want 13", len(AllScopes))
	}
	if len(OperationScopes) != 81 {
		t.Errorf("scope table has %d operations, want 81", len(OperationScopes))
	}
}

func TestSecretHash(t *testing.T) {
	h := HashSecret("s3cret")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(h, "s3cret") {
		t.Errorf("hash = %q", h)
	}
	if h == HashSecret("s3cret") {
		t.Error("two hashes of one secret are equal: no salt")
	}
	if !VerifySecret(h, "s3cret") || VerifySecret(h, "s3cret ") || VerifySecret(h, "") || VerifySecret("garbage", "s3cret") {
		t.Error("VerifySecret is wrong")
	}
}
