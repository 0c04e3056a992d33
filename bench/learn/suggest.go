package main

func suggest(history int) error { return nil }
