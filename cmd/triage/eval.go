package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newEvalCommand() *cobra.Command {
	var dataDir string
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Measure the scorer against human-rated data sets",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runEval(cmd, dataDir)
		},
	}
	cmd.Flags().StringVar(&dataDir, "data", "../shared/data", "folder holding the rated data sets")
	return cmd
}

// TODO: call the evaluation in sentiment/eval once it lands.
func runEval(cmd *cobra.Command, dataDir string) error {
	return fmt.Errorf("evaluation of %s is not available in this build", dataDir)
}
