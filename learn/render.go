package learn

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/sprintguard/sprintguard/internal/plural"
)

// maxTextRunes bounds a request's text in the disagreements table.
const maxTextRunes = 90

// FormatText renders r for a person: the three accuracies, precision and
// recall per urgency, the category confusion matrix and the worst
// disagreements with the rule that decided each. It is a pure function.
func FormatText(r Result) string {
	var b strings.Builder
	b.WriteString("accuracy (agreement with the labels)\n")
	fmt.Fprintf(&b, "interrupt-or-not  %s\n", pct(r.Interrupt))
	fmt.Fprintf(&b, "urgency           %s\n", pct(r.Urgency))
	fmt.Fprintf(&b, "category          %s\n", pct(r.Category))
	if r.CategoryOnly > 0 {
		fmt.Fprintf(&b, "%s labelled for category only: counted in the category accuracy only\n", plural.Count(r.CategoryOnly, "request"))
	}
	if r.InterruptOnly > 0 {
		fmt.Fprintf(&b, "%s labelled interrupt or not without an urgency: counted in interrupt-or-not, in no urgency figure\n", plural.Count(r.InterruptOnly, "request"))
	}
	b.WriteString("\n")

	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "urgency\tlabelled\tdecided\tprecision\trecall\t")
	for _, u := range r.PerUrgency {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t\n", u.Urgency, u.Labelled, u.Decided, rate(u.Precision, u.Decided), rate(u.Recall, u.Labelled))
	}
	tw.Flush()

	b.WriteString("\ncategory confusion (rows: labelled, columns: decided by the rules)\n")
	tw = tabwriter.NewWriter(&b, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "\t")
	for _, c := range r.Categories {
		fmt.Fprintf(tw, "%s\t", c)
	}
	fmt.Fprintln(tw)
	for i, c := range r.Categories {
		fmt.Fprintf(tw, "%s\t", c)
		for _, n := range r.Confusion[i] {
			if n == 0 {
				fmt.Fprint(tw, ".\t")
			} else {
				fmt.Fprintf(tw, "%d\t", n)
			}
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()

	if len(r.Worst) == 0 {
		b.WriteString("\nno disagreements\n")
		return b.String()
	}
	fmt.Fprintf(&b, "\nworst disagreements (%d shown)\n", len(r.Worst))
	tw = tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tLABELLED\tRULES SAY\tRULE\tTEXT")
	for _, d := range r.Worst {
		rule := d.Rule
		if d.Modifier != "" {
			// The rule that decided stays first: it is the one to fix,
			// unless the bound that moved its urgency is.
			rule += " (then " + d.Modifier + ")"
		}
		fmt.Fprintf(tw, "%s\t%s %s\t%s %s\t%s\t%s\n", d.ID, labelledUrgency(d), dash(d.Category), d.GotUrgency, dash(d.GotCategory), rule, clip(d.Text))
	}
	tw.Flush()
	return b.String()
}

// labelledUrgency is what a disagreement's label says of the urgency:
// the urgency, or "interrupt" or "no-interrupt" for a label that gives
// only that, or "-".
func labelledUrgency(d Disagreement) string {
	switch {
	case d.Urgency.Valid():
		return d.Urgency.String()
	case d.Interrupt == nil:
		return "-"
	case *d.Interrupt:
		return "interrupt"
	}
	return "no-interrupt"
}

// pct is an accuracy in percent with what it is of, or "-" when nothing
// was labelled with it: 0% of nothing would read as rules always wrong.
func pct(s Score) string {
	if s.N == 0 {
		return fmt.Sprintf("%6s  (not labelled)", "-")
	}
	return fmt.Sprintf("%5.1f%%  (%d of %d)", 100*s.Accuracy, s.Agree, s.N)
}

// rate is a precision or recall in percent, or "-" when there was
// nothing to count it over (of is 0).
func rate(r float64, of int) string {
	if of == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*r)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// clip puts text on one line and cuts it to maxTextRunes runes.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= maxTextRunes {
		return s
	}
	r := []rune(s)
	return string(r[:maxTextRunes-1]) + "…"
}
