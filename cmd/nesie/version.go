package main

import "runtime/debug"

// buildVersion is set at release builds: -ldflags "-X main.buildVersion=1.2.3".
var buildVersion = ""

// version names the build: the release version, or the source revision the binary was
// built from (with "+dirty" when the tree had uncommitted changes).
func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "+dirty"
	}
	return "devel-" + rev
}
