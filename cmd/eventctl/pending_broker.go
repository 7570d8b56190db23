package main

import "github.com/spf13/cobra"

func publishCommand(a *app) *cobra.Command { return &cobra.Command{Use: "publish"} }
func dlqCommand(a *app) *cobra.Command     { return &cobra.Command{Use: "dlq"} }
func statsCommand(a *app) *cobra.Command   { return &cobra.Command{Use: "stats"} }
