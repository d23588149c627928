package headersync

import (
	"testing"

	"github.com/bitnode/bitnode/chain/params"
)

func TestPermittedDifficultyTransition(t *testing.T) {
	strict := strictParams()
	// A network like regtest whose genesis is harder than its pow limit:
	// with no retargeting and min-difficulty blocks, its bits alternate
	// between the two.
	hardGenesis := *params.RegTest
	genesis := *hardGenesis.GenesisBlock
	genesis.Header.Bits = 0x1f00ffff
	hardGenesis.GenesisBlock = &genesis
	noMinDiff := *params.RegTest
	noMinDiff.PowAllowMinDifficultyBlocks = false

	tests := []struct {
		name     string
		p        *params.Params
		height   int64
		old, new uint32
		want     bool
	}{
		// Mainnet retarget heights: within a factor of four either way,
		// capped at the pow limit, bounds rounded through compact form.
		{"main: unchanged at a retarget", params.MainNet, 2016, 0x1d00ffff, 0x1d00ffff, true},
		{"main: exactly 4x harder", params.MainNet, 2016, 0x1d00ffff, 0x1c3fffc0, true},
		{"main: beyond 4x harder", params.MainNet, 2016, 0x1d00ffff, 0x1c3fffbf, false},
		{"main: far harder", params.MainNet, 4032, 0x1d00ffff, 0x1b0404cb, false},
		{"main: easier than the pow limit", params.MainNet, 2016, 0x1d00ffff, 0x1d010000, false},
		{"main: 4x easier", params.MainNet, 32256, 0x1b0404cb, 0x1b10132c, true},
		{"main: beyond 4x easier", params.MainNet, 32256, 0x1b0404cb, 0x1b10132d, false},
		{"main: 4x harder, rounded down", params.MainNet, 32256, 0x1b0404cb, 0x1b010132, true},
		{"main: beyond 4x harder, rounded", params.MainNet, 32256, 0x1b0404cb, 0x1b010131, false},
		{"main: 4x easier capped at the limit", params.MainNet, 2016, 0x1c3fffc0, 0x1d00ffff, true},
		{"main: 2x easier", params.MainNet, 2016, 0x1c3fffc0, 0x1c7fff80, true},
		{"main: same target, other encoding", params.MainNet, 2016, 0x1c7fff00, 0x1d007fff, true},
		// Mainnet elsewhere: no change at all.
		{"main: unchanged between retargets", params.MainNet, 2017, 0x1b0404cb, 0x1b0404cb, true},
		{"main: slightly harder between retargets", params.MainNet, 2017, 0x1b0404cb, 0x1b0404ca, false},
		{"main: slightly easier between retargets", params.MainNet, 4031, 0x1b0404cb, 0x1b0404cc, false},
		{"main: same target, other encoding, between", params.MainNet, 1, 0x1c7fff00, 0x1d007fff, false},
		{"signet: as mainnet", params.SigNet, 2017, 0x1e0377ae, 0x1e0377ad, false},
		{"signet: retarget within 4x", params.SigNet, 2016, 0x1e0377ae, 0x1e00ffff, true},
		// Min-difficulty networks with retargeting: anything, as Core.
		{"testnet3: any change", params.TestNet3, 2017, 0x1d00ffff, 0x1b0404cb, true},
		{"testnet3: far harder at a retarget", params.TestNet3, 2016, 0x1d00ffff, 0x1a00ffff, true},
		{"testnet4: any change", params.TestNet4, 5, 0x1c00ffff, 0x1d00ffff, true},
		// No retargeting: the bits stay (or alternate with the pow limit
		// on min-difficulty networks).
		{"regtest: unchanged", params.RegTest, 5, 0x207fffff, 0x207fffff, true},
		{"regtest: unchanged at an interval", params.RegTest, 144, 0x207fffff, 0x207fffff, true},
		{"regtest: harder", params.RegTest, 5, 0x207fffff, 0x203fffff, false},
		{"regtest: harder at an interval", params.RegTest, 144, 0x207fffff, 0x203fffff, false},
		{"no-retarget genesis bits to limit", &hardGenesis, 7, 0x1f00ffff, 0x207fffff, true},
		{"no-retarget limit back to genesis bits", &hardGenesis, 8, 0x207fffff, 0x1f00ffff, true},
		{"no-retarget other bits", &hardGenesis, 8, 0x207fffff, 0x1f00fffe, false},
		{"no-retarget, no min-difficulty: limit", &noMinDiff, 8, 0x1f00ffff, 0x207fffff, false},
		// Retargeting with regtest's 2^255 limit (exact arithmetic).
		{"strict: 4x harder", strict, 144, 0x207fffff, 0x201fffff, true},
		{"strict: over 4x harder", strict, 288, 0x207fffff, 0x201ffffe, false},
		{"strict: 4x easier", strict, 144, 0x201fffff, 0x207ffffc, true},
		{"strict: over 4x easier", strict, 144, 0x201fffff, 0x207fffff, false},
		{"strict: easier capped at the limit", strict, 144, 0x203fffff, 0x207fffff, true},
		{"strict: off an interval", strict, 145, 0x207fffff, 0x203fffff, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := PermittedDifficultyTransition(tc.p, tc.height, tc.old, tc.new); got != tc.want {
				t.Errorf("PermittedDifficultyTransition(%s, %d, %08x, %08x) = %v, want %v",
					tc.p.Name, tc.height, tc.old, tc.new, got, tc.want)
			}
		})
	}
}
