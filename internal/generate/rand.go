package generate

import "math/rand/v2"

// kind separates the random streams of different entities that share a
// numeric key, so that, say, student 7 and teacher 7 never draw alike.
type kind uint64

const (
	kLayout kind = iota + 1
	kPlan
	kItinerant
	kStudent
	kDemographics
	kHousehold
	kGuardian
	kTeacher
	kAdmin
	kProfile
	// Gradebook streams: added after the rostering ones so that those keep
	// their values and the rostering files their bytes.
	kCourseBook
	kClassBook
	kAbility
	kResult
	kObjective
	// Resources streams: added after the others for the same reason.
	kCourseRes
	kClassRes
	kUserRes
)

// stream is a reseedable PCG generator. Every entity draws from its own
// stream keyed by (seed, kind, a, b) rather than from one shared sequence:
// that is what lets each file be written by an independent pass, in any
// order or in parallel, and still agree with the others on every student's
// name, grade and guardians.
type stream struct {
	pcg rand.PCG
	r   *rand.Rand
}

func newStream() *stream {
	s := &stream{}
	s.r = rand.New(&s.pcg)
	return s
}

// at reseeds the stream for one entity and returns it. The keys go through
// splitmix64 first because PCG states that differ in a few low bits would
// otherwise start out correlated.
func (s *stream) at(seed uint64, k kind, a, b uint64) *rand.Rand {
	h := mix(seed ^ uint64(k)*0x9e3779b97f4a7c15)
	h = mix(h ^ a)
	s.pcg.Seed(h, mix(h^mix(b+0xd1b54a32d192ed03)))
	return s.r
}

func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }
