package sprint_test

import (
	"errors"
	"math"
	"testing"

	"github.com/sprintguard/sprintguard/sprint"
)

func TestParsePercent(t *testing.T) {
	tests := []struct {
		in      string
		want    float64
		wantErr bool
	}{
		{in: "20%", want: 0.2},
		{in: "0.2", want: 0.2},
		{in: "20", want: 0.2},
		{in: " 12.5 % ", want: 0.125},
		{in: "0%", want: 0},
		{in: "0", want: 0},
		{in: "100%", want: 1},
		{in: "100", want: 1},
		{in: "1", want: 1},
		{in: "1%", want: 0.01},
		{in: "100.5%", wantErr: true},
		{in: "101", wantErr: true},
		{in: "-1%", wantErr: true},
		{in: "-0.2", wantErr: true},
		{in: "NaN", wantErr: true},
		{in: "Inf%", wantErr: true},
		{in: "twenty", wantErr: true},
		{in: "%", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := sprint.ParsePercent(tt.in)
			if tt.wantErr {
				if !errors.Is(err, sprint.ErrBadPercent) {
					t.Fatalf("ParsePercent(%q) = %v, %v; want ErrBadPercent", tt.in, got, err)
				}
				return
			}
			if err != nil || math.Abs(got-tt.want) > 1e-12 {
				t.Fatalf("ParsePercent(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestBudget(t *testing.T) {
	tests := []struct {
		name    string
		b       sprint.Budget
		total   float64
		wantErr bool
	}{
		{"typical", sprint.Budget{Capacity: 40, Fraction: 0.2, Unit: "points", Thresholds: []float64{0.5, 0.8, 1}}, 8, false},
		{"default thresholds", sprint.Budget{Capacity: 80, Fraction: 0.25, Unit: "hours"}, 20, false},
		{"overspend alert above 100%", sprint.Budget{Capacity: 10, Fraction: 1, Thresholds: []float64{1, 1.5}}, 10, false},
		{"zero budget", sprint.Budget{Capacity: 40, Fraction: 0}, 0, false},
		{"negative capacity", sprint.Budget{Capacity: -1, Fraction: 0.2}, -0.2, true},
		{"infinite capacity", sprint.Budget{Capacity: math.Inf(1), Fraction: 0.2}, math.Inf(1), true},
		{"fraction above one", sprint.Budget{Capacity: 40, Fraction: 20}, 800, true},
		{"descending thresholds", sprint.Budget{Capacity: 40, Fraction: 0.2, Thresholds: []float64{0.8, 0.5}}, 8, true},
		{"duplicate thresholds", sprint.Budget{Capacity: 40, Fraction: 0.2, Thresholds: []float64{0.5, 0.5}}, 8, true},
		{"zero threshold", sprint.Budget{Capacity: 40, Fraction: 0.2, Thresholds: []float64{0, 0.5}}, 8, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.b.Total(); got != tt.total && !(math.IsInf(got, 1) && math.IsInf(tt.total, 1)) {
				t.Errorf("Total() = %v, want %v", got, tt.total)
			}
			err := tt.b.Validate()
			if tt.wantErr != (err != nil) || (err != nil && !errors.Is(err, sprint.ErrBadBudget)) {
				t.Errorf("Validate() = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}
