package report

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

// smallChart is the width of the charts of tests that do not care about
// the size: a big chart takes a second to draw under the race detector.
const smallChart = 480

// decodePNG decodes b and fails the test if it is not a PNG.
func decodePNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode PNG: %v", err)
	}
	return img
}

// pixels counts the non-white pixels of img and those close to c. The
// chart is opaque, so its pixels are read as RGB from whichever 8-bit
// format the decoder chose.
func pixels(t *testing.T, img image.Image, c color.RGBA) (nonWhite, near int) {
	t.Helper()
	var pix []uint8
	switch m := img.(type) {
	case *image.RGBA:
		pix = m.Pix
	case *image.NRGBA:
		pix = m.Pix
	default:
		t.Fatalf("decoded as %T, want 8-bit RGBA", img)
	}
	for i := 0; i+3 < len(pix); i += 4 {
		r, g, b := pix[i], pix[i+1], pix[i+2]
		if r < 250 || g < 250 || b < 250 {
			nonWhite++
		}
		if diff(r, c.R) < 8 && diff(g, c.G) < 8 && diff(b, c.B) < 8 {
			near++
		}
	}
	return nonWhite, near
}

func diff(a, b uint8) uint8 {
	if a > b {
		return a - b
	}
	return b - a
}

func TestPNG(t *testing.T) {
	noCal := testTeam()
	noCal.Calendar = sprint.Calendar{}
	red := urgencyColors["P1"]
	tests := []struct {
		name          string
		w             *Weekly
		width, height int
		wantRed       bool
	}{
		{"busy week, default size", sampleReport(t), 0, 0, true},
		{"busy week, small", sampleReport(t), smallChart, 280, true},
		{"no requests", Compute(Data{Team: testTeam(), Week: w47, Now: nov(23, 9, 0)}), smallChart, 300, false},
		{"no calendar", Compute(Data{Team: noCal, Week: w47, Now: nov(23, 9, 0)}), smallChart, 300, false},
		{"no P1", Compute(Data{Team: testTeam(), Week: w47, Now: nov(23, 9, 0),
			Requests: []*triage.Request{req(1, nov(17, 9, 0)), req(2, nov(18, 9, 0))}}), smallChart, 280, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.w.PNG(tt.width, tt.height)
			if err != nil {
				t.Fatal(err)
			}
			img := decodePNG(t, b)
			wantW, wantH := tt.width, tt.height
			if wantW == 0 {
				wantW, wantH = ChartWidth, ChartHeight
			}
			if got := img.Bounds().Size(); got.X != wantW || got.Y != wantH {
				t.Errorf("size %v, want %dx%d", got, wantW, wantH)
			}
			nonWhite, reds := pixels(t, img, red)
			// Text and axes alone cover well over 1% of the picture.
			if total := wantW * wantH; nonWhite < total/100 {
				t.Errorf("only %d of %d pixels are not white", nonWhite, total)
			}
			// The burn-up's budget line is red too, but thin and dotted;
			// a P1 bar is a solid block.
			if hasBlock := reds > wantW*wantH/400; hasBlock != tt.wantRed {
				t.Errorf("%d red pixels: P1 bar shown = %v, want %v", reds, hasBlock, tt.wantRed)
			}
			if dir := os.Getenv("SPRINTGUARD_CHART_DIR"); dir != "" {
				os.WriteFile(filepath.Join(dir, tt.name+".png"), b, 0o644)
			}
		})
	}
}

func TestPNGIsDeterministic(t *testing.T) {
	a, err := sampleReport(t).PNG(smallChart, 280)
	if err != nil {
		t.Fatal(err)
	}
	b, err := sampleReport(t).PNG(smallChart, 280)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two renderings of the same report differ")
	}
}

// TestPNGConcurrently renders from several goroutines at once, as the
// scheduler does for several teams; run with -race it checks that the
// shared fonts and text handler are safe to share.
func TestPNGConcurrently(t *testing.T) {
	w := sampleReport(t)
	want, err := w.PNG(smallChart, 280)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	got := make([][]byte, 3)
	for i := range got {
		wg.Go(func() { got[i], _ = w.PNG(smallChart, 280) })
	}
	wg.Wait()
	for i, b := range got {
		if !bytes.Equal(b, want) {
			t.Errorf("rendering %d differs from the one drawn alone", i)
		}
	}
}

func TestPNGRefusesSillySizes(t *testing.T) {
	for _, size := range [][2]int{{-1, 500}, {100, 100}, {1200, 10}, {100000, 700}} {
		if _, err := sampleReport(t).PNG(size[0], size[1]); err == nil {
			t.Errorf("PNG(%d, %d) succeeded", size[0], size[1])
		}
	}
}

func BenchmarkPNG(b *testing.B) {
	w := Compute(Data{Team: testTeam(), Week: w47, Requests: benchRequests(5000), Now: nov(23, 9, 0)})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := w.PNG(ChartWidth, ChartHeight); err != nil {
			b.Fatal(err)
		}
	}
}
