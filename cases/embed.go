// Package cases embeds the bundled case packs, the design template and the
// shared concepts, so that the binary serves them with no files beside it.
package cases

import "embed"

// FS holds template.yaml, concepts.yaml, one folder per case, and the
// drill packs under drills/.
//
//go:embed template.yaml concepts.yaml */*.yaml */*.json drills
var FS embed.FS
