package policy

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestFeeRateFee(t *testing.T) {
	tests := []struct {
		rate  FeeRate
		vsize int64
		want  int64
	}{
		{1000, 250, 250},
		{100, 250, 25},
		{100, 255, 26}, // 25.5 rounds up
		{100, 1, 1},    // 0.1 rounds up: a non-zero size never costs nothing
		{1, 1, 1},
		{1, 1000, 1},
		{1, 1001, 2},
		{3000, 182, 546},
		{3000, 98, 294},
		{123, 0, 0},
		{123, -5, 0},
		{0, 1000, 0},
		{-1, 1, -1},    // -0.001 rounds up to 0, which Core turns into -1
		{-1500, 1, -1}, // -1.5 rounds up to -1
		{-2500, 1, -2},
		{-1000, 3, -3},
		{math.MaxInt64, math.MaxInt64, math.MaxInt64}, // saturates
		{math.MinInt64, math.MaxInt64, math.MinInt64},
	}
	for _, tc := range tests {
		if got := tc.rate.Fee(tc.vsize); got != tc.want {
			t.Errorf("FeeRate(%d).Fee(%d) = %d, want %d", tc.rate, tc.vsize, got, tc.want)
		}
	}
}

func TestNewFeeRate(t *testing.T) {
	tests := []struct {
		fee, vsize int64
		want       FeeRate
	}{
		{1000, 250, 4000},
		{1, 3, 333},
		{2, 3, 666}, // rounded down
		{-1, 3, -334},
		{0, 10, 0},
		{100, 0, 0},
		{100, -1, 0},
		{math.MaxInt64, 1, math.MaxInt64},
	}
	for _, tc := range tests {
		if got := NewFeeRate(tc.fee, tc.vsize); got != tc.want {
			t.Errorf("NewFeeRate(%d, %d) = %d, want %d", tc.fee, tc.vsize, got, tc.want)
		}
	}
	// A rate derived from a fee never asks more than that fee back.
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10_000 {
		fee := rng.Int64N(21_000_000 * 100_000_000)
		vsize := 1 + rng.Int64N(400_000)
		if got := NewFeeRate(fee, vsize).Fee(vsize); got > fee {
			t.Fatalf("NewFeeRate(%d, %d).Fee = %d", fee, vsize, got)
		}
	}
}

func TestFeeRateString(t *testing.T) {
	tests := []struct {
		rate     FeeRate
		btc, sat string
	}{
		{1000, "0.00001000 BTC/kvB", "1.000 sat/vB"},
		{100, "0.00000100 BTC/kvB", "0.100 sat/vB"},
		{3000, "0.00003000 BTC/kvB", "3.000 sat/vB"},
		{0, "0.00000000 BTC/kvB", "0.000 sat/vB"},
		{1, "0.00000001 BTC/kvB", "0.001 sat/vB"},
		{123456789012, "1234.56789012 BTC/kvB", "123456789.012 sat/vB"},
		{-1, "-0.00000001 BTC/kvB", "-0.001 sat/vB"},
		{-123456789012, "-1234.56789012 BTC/kvB", "-123456789.012 sat/vB"},
		{math.MinInt64, "-92233720368.54775808 BTC/kvB", "-9223372036854775.808 sat/vB"},
	}
	for _, tc := range tests {
		if got := tc.rate.String(); got != tc.btc {
			t.Errorf("FeeRate(%d).String() = %q, want %q", tc.rate, got, tc.btc)
		}
		if got := tc.rate.SatPerVB(); got != tc.sat {
			t.Errorf("FeeRate(%d).SatPerVB() = %q, want %q", tc.rate, got, tc.sat)
		}
	}
}

func TestDefaultFeeRates(t *testing.T) {
	// Core 30.0's defaults: 0.1 sat/vB to relay and to replace, 3 sat/vB
	// for dust, 0.001 sat/vB in blocks.
	if DefaultMinRelayFee.String() != "0.00000100 BTC/kvB" || DefaultIncrementalRelayFee != DefaultMinRelayFee ||
		DustRelayFee.String() != "0.00003000 BTC/kvB" || DefaultBlockMinTxFee.SatPerVB() != "0.001 sat/vB" {
		t.Fatal("default fee rates changed")
	}
	// A 141-vbyte one-input P2WPKH spend relays for 15 satoshis.
	if got := DefaultMinRelayFee.Fee(141); got != 15 {
		t.Fatalf("min relay fee of 141 vB: %d", got)
	}
}
