package httpapi

// PrefetchSettled reports whether every page being prepared in the
// background is ready, and how many are held.
func PrefetchSettled(s *Server) (ready bool, held int) {
	s.prefetch.mu.Lock()
	defer s.prefetch.mu.Unlock()
	for _, e := range s.prefetch.m {
		select {
		case <-e.done:
		default:
			return false, len(s.prefetch.m)
		}
	}
	return true, len(s.prefetch.m)
}

// DiscoveryCached is how many generated discovery documents are held.
func DiscoveryCached(s *Server) int {
	n := 0
	s.discovery.Range(func(any, any) bool { n++; return true })
	return n
}
