package jsonwire

// The At functions read one value of compact JSON at d[i] and return the
// offset past it, for decoders that keep their offset in a local variable
// rather than in a Reader, where each step would wait for the last one to
// store it: the fast path of reading a payload in the exact form this
// module writes. They check what they read as the Reader does, and give up
// (ok false) on anything they do not take, leaving the Reader to read the
// input again and report any problem. What they read, they read as the
// Reader's one-pass paths do, which use them.

// LitAt reports whether d holds lit at i, and returns the offset past it.
func LitAt(d []byte, i int, lit string) (int, bool) {
	if j := i + len(lit); j <= len(d) && string(d[i:j]) == lit {
		return j, true
	}
	return i, false
}

// StrAt reads a string without escapes at d[i] and returns its contents.
func StrAt(d []byte, i int) (s []byte, end int, ok bool) {
	if i >= len(d) || d[i] != '"' {
		return nil, i, false
	}
	if end = shortStr(d, i); end > 0 {
		return d[i+1 : end-1], end, true
	}
	end, escaped, ok := scanStr(d, i)
	if !ok || escaped {
		return nil, i, false
	}
	return d[i+1 : end-1], end, true
}

// Int64At reads an integer of 1 to 18 digits (without a leading zero, or
// "0" alone, and followed by no fraction or exponent) at d[i]: a number
// that is well formed and exact in an int64.
func Int64At(d []byte, i int) (n int64, end int, ok bool) {
	neg, first := signed(d, i)
	u, j := accumulate(d, first, 0)
	if digits := j - first; digits == 0 || digits > 18 || (d[first] == '0' && digits > 1) ||
		(j < len(d) && (d[j] == '.' || d[j] == 'e' || d[j] == 'E')) {
		return 0, i, false
	}
	if neg {
		return -int64(u), j, true
	}
	return int64(u), j, true
}

// Float64At reads a well-formed decimal of at most 15 digits and no
// exponent at d[i]: ParseFloat's short path, where m and the power of ten
// are exact and one division rounds correctly.
func Float64At(d []byte, i int) (f float64, end int, ok bool) {
	neg, first := signed(d, i)
	m, j := accumulate(d, first, 0)
	intDigits, fracDigits, dot := j-first, 0, false
	if j < len(d) && d[j] == '.' {
		dot = true
		fracStart := j + 1
		m, j = accumulate(d, fracStart, m)
		fracDigits = j - fracStart
	}
	if intDigits == 0 || (d[first] == '0' && intDigits > 1) || (dot && fracDigits == 0) ||
		intDigits+fracDigits > 15 || (j < len(d) && (d[j] == 'e' || d[j] == 'E')) {
		return 0, i, false
	}
	return shortDecimal(m, fracDigits, neg), j, true
}

// BoolAt reads true or false at d[i].
func BoolAt(d []byte, i int) (v bool, end int, ok bool) {
	if end, ok = LitAt(d, i, "true"); ok {
		return true, end, true
	}
	end, ok = LitAt(d, i, "false")
	return false, end, ok
}

// SkipAt checks and skips the value at d[i] as Reader.Skip does on its
// fast path, and returns the offset past it.
func SkipAt(d []byte, i int) (end int, ok bool) { return skipFast(d, i) }
