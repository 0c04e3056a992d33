package learn

import "io"

// ReadMessageLabelsFrom is ReadMessageLabels of a labels file already
// open, such as a labels.jsonl read from inside a zip export; name is how
// its problems name it.
func ReadMessageLabelsFrom(name string, r io.Reader, categories []string) ([]FileLabel, error) {
	return readMessageLabels(name, r, categories)
}
