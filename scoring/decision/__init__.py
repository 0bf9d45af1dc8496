"""Gates first (recurring pain → physiotherapy, illness → rest), then the decision table: each rule
owns its predicate, the thresholds it reads and the words of its reasons."""
