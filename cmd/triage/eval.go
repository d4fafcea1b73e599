package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/triagedesk/triage/sentiment/eval"
	"github.com/triagedesk/triage/triage/client"
)

func newEvalCommand() *cobra.Command {
	var (
		dataDir string
		marks   bool
	)
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Measure the scorer against human-rated data sets",
		Long: `Score public human-rated data sets and print one table: the set, its items,
the metric, our figure, the reference scorer's figure measured in the same
run (VADER, through github.com/jonreiter/govader) and the published figure
where there is one. --data names the folder that holds the data-set folders
(vader-icwsm2014, twcs-frustration-intensity, airline-sentiment-crowdflower).

--marks instead asks the running daemon for the escalations agents
reviewed and prints each rule's precision: the share marked warranted.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if marks {
				return runMarksEval(cmd.Context(), client.New(socketPath()), cmd.OutOrStdout())
			}
			if _, err := os.Stat(dataDir); err != nil {
				return usageError{fmt.Errorf("data folder %s: %w; point --data at the folder holding the rated data sets", dataDir, err)}
			}
			return eval.Run(dataDir, cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&dataDir, "data", "../shared/data", "folder holding the rated data sets")
	cmd.Flags().BoolVar(&marks, "marks", false, "print each escalation rule's precision from the reviews agents marked")
	return cmd
}
