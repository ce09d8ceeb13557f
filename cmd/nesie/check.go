package main

import (
	"fmt"
	"io"

	"nesie.kz/nesie/internal/kz"
)

const checkUsage = "usage: nesie check iin|bin|iban VALUE"

// runCheck implements "nesie check iin|bin|iban VALUE"; args are the words after "check".
// Exit status: 0 valid (a one-line summary on stdout), 1 invalid (the reason on stderr),
// 2 usage error. An IIN is printed masked even here: terminal scrollback and CI logs keep
// what a command prints. An IBAN with spaces must be quoted as one argument.
func runCheck(args []string, stdout, stderr io.Writer) int {
	return runCheckWith(args, kz.DefaultBanks(), stdout, stderr)
}

// runCheckWith is runCheck naming banks from the given directory (the operator's bank file).
func runCheckWith(args []string, banks kz.BankDirectory, stdout, stderr io.Writer) int {
	if len(args) != 2 {
		fmt.Fprintln(stderr, checkUsage)
		return 2
	}
	kind, value := args[0], args[1]
	var (
		summary string
		err     error
	)
	switch kind {
	case "iin":
		summary, err = checkIIN(value)
	case "bin":
		summary, err = checkBIN(value)
	case "iban":
		summary, err = checkIBAN(value, banks)
	default:
		fmt.Fprintf(stderr, "nesie check: unknown kind %q\n%s\n", kind, checkUsage)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "invalid: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, summary)
	return 0
}

func checkIIN(s string) (string, error) {
	n, err := kz.ParseIIN(s)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("IIN %s valid: born %s, %s", n.Masked(), n.BirthDate(), n.Sex()), nil
}

func checkBIN(s string) (string, error) {
	b, err := kz.ParseBIN(s)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("BIN %s valid: %s, %s", b, b.Type(), b.Unit()), nil
}

func checkIBAN(s string, banks kz.BankDirectory) (string, error) {
	i, err := kz.ParseIBAN(s)
	if err != nil {
		return "", err
	}
	if bank, ok := banks.Lookup(i.BankCode()); ok {
		return fmt.Sprintf("IBAN %s valid: bank code %s, %s (BIC %s)", i, i.BankCode(), bank.Name, bank.BIC), nil
	}
	return fmt.Sprintf("IBAN %s valid: bank code %s (not in the bank directory)", i, i.BankCode()), nil
}
