package render

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/triage"
)

const blockSpent = "spent"

// ResolveModal returns the modal that resolves r and records the time
// spent, in unit, pre-filled with the estimate. Its private metadata is the
// request id.
func ResolveModal(r *triage.Request, unit string) slack.ModalViewRequest {
	label := "Time spent"
	if unit != "" {
		label += " (" + unit + ")"
	}
	el := slack.NewNumberInputBlockElement(nil, blockSpent, true).WithMinValue("0")
	if est := r.Estimate; est >= 0 && !math.IsInf(est, 0) {
		el.WithInitialValue(fmt.Sprintf("%g", est))
	}
	in := input(blockSpent, label, "It replaces the estimate in the sprint's interrupt budget.", el, false)
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           plain("Resolve request", 24),
		Submit:          plain("Resolve", 24),
		Close:           plain("Cancel", 24),
		CallbackID:      CallbackResolve,
		PrivateMetadata: idValue(r.ID),
		Blocks:          slack.Blocks{BlockSet: []slack.Block{section(title(r)), in}},
	}
}

// ParseResolveModal reads a submitted resolve modal: the request id and the
// time spent. The errors are keyed by block id, ready for a response_action
// "errors"; they are nil when the form is valid. It is safe for concurrent
// use.
func ParseResolveModal(v slack.View) (id int64, spent float64, errs map[string]string) {
	id, err := ParseID(v.PrivateMetadata)
	if err != nil {
		return 0, 0, map[string]string{blockSpent: "This form is out of date. Close it and resolve the request from its message again."}
	}
	text := strings.TrimSpace(values(v)(blockSpent).Value)
	if text == "" {
		return id, 0, map[string]string{blockSpent: "Enter the time spent (0 if none)."}
	}
	spent, err = strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(spent) || math.IsInf(spent, 0) {
		return id, 0, map[string]string{blockSpent: "Enter a number, such as 2 or 1.5."}
	}
	if spent < 0 {
		return id, 0, map[string]string{blockSpent: "Time spent cannot be negative."}
	}
	return id, spent, nil
}
