package postgres_test

import (
	"testing"

	"github.com/oneroster/oneroster/internal/store"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return storetest.OpenPostgres(t) })
}

func BenchmarkPuts(b *testing.B) { storetest.BenchPuts(b, storetest.OpenPostgres(b)) }
