package learn

import (
	"slices"
)

// firstHolder is a request that holds a query term first (see postings),
// and its class.
type firstHolder struct {
	id    int64
	class uint32
}

// classRep is a class that a search's left-out requests change: its
// latest other member, or -1 when it has none.
type classRep struct {
	class uint32
	rep   int64
}

// exclude works out, for a search of s.terms that leaves out request
// skip, the requests it scores on their own (s.firsts), the classes
// that have no other members (s.dead) and the latest other member of the
// classes those requests are in (s.reps).
func (s *search) exclude(x *Index, skip int64) {
	s.skip = skip
	s.firsts, s.dead, s.reps = s.firsts[:0], s.dead[:0], s.reps[:0]
	for _, t := range s.terms {
		f := t.p.first
		if f != skip && !slices.ContainsFunc(s.firsts, func(h firstHolder) bool { return h.id == f }) {
			s.firsts = append(s.firsts, firstHolder{f, t.p.firstClass})
		}
	}
	if c, ok := x.classOf(skip); ok {
		s.leaveOut(x, c)
	}
	for _, h := range s.firsts {
		s.leaveOut(x, h.class)
	}
	slices.Sort(s.dead)
}

// leaveOut notes the latest member of class c that the search does not
// leave out, once for each class.
func (s *search) leaveOut(x *Index, c uint32) {
	if slices.ContainsFunc(s.reps, func(r classRep) bool { return r.class == c }) {
		return
	}
	rep := int64(-1)
	x.members(c, func(id int64) bool {
		if s.left(id) {
			return true
		}
		rep = id
		return false
	})
	s.reps = append(s.reps, classRep{c, rep})
	if rep < 0 {
		s.dead = append(s.dead, c)
	}
}

// left reports whether the search leaves request id out of its class.
func (s *search) left(id int64) bool {
	return id == s.skip || slices.ContainsFunc(s.firsts, func(h firstHolder) bool { return h.id == id })
}

// rep returns the request that class d stands for in the search: its
// latest member that the search does not leave out.
func (s *search) rep(x *Index, d uint32) int64 {
	for _, r := range s.reps {
		if r.class == d {
			return r.rep
		}
	}
	return x.latest[d]
}

// expand returns the k best requests of top, the k best classes (score
// first, then the request each stands for, later first), and of the
// requests scored on their own. A request of a class outside top is
// beaten by the k requests those classes stand for, so top's members
// are all the search needs to read; of a class, as its members tie, only
// the latest k can be among the hits.
func (s *search) expand(x *Index, top []ranked, avg float64) []Hit {
	k := s.k
	best := s.hits[:0]
	for _, c := range top {
		taken := 0
		x.members(c.doc, func(id int64) bool {
			if s.left(id) {
				return true
			}
			if len(best) == k && (c.Score < best[k-1].Score || c.Score == best[k-1].Score && id < best[k-1].ID) {
				return false // older members tie too, and lose
			}
			best = insert(best, k, ranked{Hit{id, c.Score}, c.doc})
			taken++
			return taken < k
		})
	}
	for _, h := range s.firsts {
		best = insert(best, k, ranked{Hit{h.id, float64(s.scoreFirst(x, h, avg))}, h.class})
	}
	hits := make([]Hit, len(best))
	for i, b := range best {
		hits[i] = b.Hit
	}
	s.hits = best
	return hits
}

// scoreFirst is the score of h, a request that holds some query term
// first: the weights of the terms the plan kept that it holds, its own
// among them, added in the order the search adds them. It is found by
// the term it holds first, so every term the plan kept adds to it,
// whether that term's list is read or only probed.
func (s *search) scoreFirst(x *Index, h firstHolder, avg float64) float32 {
	norm := bm25Norm(x.lens[h.class], avg)
	var v float32
	for _, t := range s.all {
		if t.p.first == h.id {
			v += bm25Weight(t.idf, float64(t.p.firstTF), norm)
		} else if i, ok := slices.BinarySearch(t.p.doc, h.class); ok {
			v += bm25Weight(t.idf, float64(t.p.tf[i]), norm)
		}
	}
	return v
}
