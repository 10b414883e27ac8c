package config

import (
	"flag"
	"net"
	"testing"
)

func TestNets(t *testing.T) {
	nets, err := Nets("127.0.0.0/8, ::1,10.1.2.3")
	if err != nil || len(nets) != 3 {
		t.Fatalf("Nets = %v, %v", nets, err)
	}
	for _, tt := range []struct {
		ip   string
		want bool
	}{{"127.9.9.9", true}, {"::1", true}, {"10.1.2.3", true}, {"10.1.2.4", false}, {"192.0.2.1", false}} {
		got := false
		for _, n := range nets {
			got = got || n.Contains(net.ParseIP(tt.ip))
		}
		if got != tt.want {
			t.Errorf("%s allowed %v, want %v", tt.ip, got, tt.want)
		}
	}
	if nets, err := Nets(""); err != nil || len(nets) != 0 || nets == nil {
		t.Errorf("empty list: %v, %v", nets, err)
	}
	if _, err := Nets("localhost"); err == nil {
		t.Error("a host name was accepted")
	}
}

func TestValidateNewSettings(t *testing.T) {
	for _, args := range [][]string{{"--log-format", "xml"}, {"--metrics-allow", "10.0.0.0/33"}} {
		c := Default()
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		if err := c.Apply(fs, func(string) string { return "" }); err != nil {
			t.Fatal(err)
		}
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err == nil {
			t.Errorf("%v was accepted", args)
		}
	}
	c := Default()
	if err := c.Validate(); err != nil {
		t.Errorf("the defaults: %v", err)
	}
}
