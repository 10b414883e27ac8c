// Package cases embeds the bundled case packs, the design template and the
// shared concepts, so that the binary serves them with no files beside it.
package cases

import "embed"

// FS holds template.yaml, concepts.yaml and one folder per case.
//
//go:embed template.yaml concepts.yaml */*.yaml */*.json
var FS embed.FS
