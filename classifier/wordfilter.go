package classifier

// wordFilter rules out, without hashing, most text words that begin no
// term: a bit per bucket of (first, middle and last byte, length) of the index's
// keys. A text has far more words than rules have keywords, and looking
// each one up in the index map was a tenth of classifying.
type wordFilter [1 << 16 / 64]uint64

// wordBucket mixes the first two bytes, the last and the length (w is
// not empty) into 16 bits with a multiplicative hash.
func wordBucket(w []byte) uint32 {
	k := uint32(w[0]) | uint32(w[len(w)/2])<<8 | uint32(w[len(w)-1])<<16 | uint32(len(w))<<24
	return k * 0x9E3779B1 >> 16
}

func (f *wordFilter) add(w string) {
	if w == "" {
		return
	}
	b := wordBucket([]byte(w))
	f[b/64] |= 1 << (b % 64)
}

// mayHold reports whether w may be a key that add was given.
func (f *wordFilter) mayHold(w []byte) bool {
	if len(w) == 0 {
		return false
	}
	b := wordBucket(w)
	return f[b/64]&(1<<(b%64)) != 0
}
