package sprint

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Sentinel errors returned (wrapped) by ParsePercent and Budget.Validate.
var (
	// ErrBadPercent means a percentage is not a number between 0% and 100%.
	ErrBadPercent = errors.New(`percentage must be between 0% and 100%, such as "20%" or "0.2"`)
	// ErrBadBudget means a budget has a negative or non-finite capacity, a
	// fraction outside 0..1, or thresholds that are not positive and ascending.
	ErrBadBudget = errors.New("budget needs a capacity >= 0, a fraction between 0 and 1 and ascending positive thresholds such as 50%, 80%, 100%")
)

// DefaultThresholds returns the alert thresholds used when a budget lists
// none: 50%, 80% and 100% of the budget. It returns a new slice each time.
func DefaultThresholds() []float64 { return []float64{0.5, 0.8, 1.0} }

// Budget is a sprint's interrupt budget: Fraction of Capacity, in Unit
// (points or hours), with alerts at Thresholds (fractions of the budget,
// ascending; empty means DefaultThresholds). It is a plain value, safe for
// concurrent use as long as nobody mutates Thresholds.
type Budget struct {
	Capacity   float64
	Fraction   float64 // 0..1
	Unit       string
	Thresholds []float64
}

// Total returns the budget in Unit: Capacity*Fraction.
func (b Budget) Total() float64 { return b.Capacity * b.Fraction }

// thresholds returns the thresholds in effect.
func (b Budget) thresholds() []float64 {
	if len(b.Thresholds) == 0 {
		return DefaultThresholds()
	}
	return slices.Clone(b.Thresholds)
}

// Validate reports every problem at once, each wrapping ErrBadBudget.
func (b Budget) Validate() error {
	var errs []error
	if !finite(b.Capacity) || b.Capacity < 0 {
		errs = append(errs, fmt.Errorf("check capacity %v: %w", b.Capacity, ErrBadBudget))
	}
	if !finite(b.Fraction) || b.Fraction < 0 || b.Fraction > 1 {
		errs = append(errs, fmt.Errorf("check interrupt fraction %v: %w", b.Fraction, ErrBadBudget))
	}
	for i, th := range b.Thresholds {
		if !finite(th) || th <= 0 || (i > 0 && th <= b.Thresholds[i-1]) {
			errs = append(errs, fmt.Errorf("check threshold %v: %w", th, ErrBadBudget))
		}
	}
	return errors.Join(errs...)
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// ParsePercent parses "20%", "0.2" or "20" into the fraction 0.2. A number
// with a % sign is a percentage; a bare number up to 1 is a fraction ("1"
// is 100%) and a bare number above 1 is a percentage. Anything outside 0% to
// 100% is an error wrapping ErrBadPercent. It is safe for concurrent use.
func ParsePercent(s string) (float64, error) {
	t := strings.TrimSpace(s)
	percent := strings.HasSuffix(t, "%")
	if percent {
		t = strings.TrimSpace(strings.TrimSuffix(t, "%"))
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || !finite(v) {
		return 0, fmt.Errorf("parse percentage %q: %w", s, ErrBadPercent)
	}
	if percent || v > 1 {
		v /= 100
	}
	if v < 0 || v > 1 {
		return 0, fmt.Errorf("parse percentage %q: %w", s, ErrBadPercent)
	}
	return v, nil
}
