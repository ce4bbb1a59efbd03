package storetest

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
)

// putRefs are the references a REST PUT of a bench result carries, which
// the store checks in the write's transaction.
var putRefs = []store.Ref{
	{Path: "result.lineItem", Entity: oneroster.LineItem, Col: "lineItemSourcedId", ID: "li-1"},
	{Path: "result.student", Entity: oneroster.User, Col: "studentSourcedId", ID: "u-s1"},
	{Path: "result.class", Entity: oneroster.Class, Col: "classSourcedId", ID: "cl-1"},
}

// BenchPuts measures concurrent writes: 32 writers (on two cores) each
// PUT a result, over 64 results, alternating two scores so that every
// write changes its row, as the bench suite's PUT scenario does.
func BenchPuts(b *testing.B, imp Importer, st store.Store) {
	ctx := context.Background()
	MustImport(b, imp, st, WritePackage(b, DistrictFiles(), ""), t1)
	var n atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			_, err := st.Put(ctx, oneroster.Result, []store.Object{{Path: "result", Vals: map[string]string{
				"sourcedId": "bench-" + strconv.FormatInt(i%64, 10), "lineItemSourcedId": "li-1", "studentSourcedId": "u-s1",
				"scoreStatus": "fully graded", "score": strconv.FormatInt(i/64%2, 10), "scoreDate": "2025-09-08", "classSourcedId": "cl-1"},
				Refs: putRefs}}, march(1))
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
}
