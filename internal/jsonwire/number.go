package jsonwire

// Int64 reads the number that Peek found ('-' or a digit) as Number does
// and parses it as ParseInt does, in one pass for the usual short
// integer. ok is false on a syntax error, which is in Err, and for a
// well-formed number that is not an integer within int64 (Err is nil):
// num is then its text, for the message.
func (r *Reader) Int64() (n int64, num []byte, ok bool) {
	d, start := r.data, r.i
	neg, first := signed(d, start)
	u, i := accumulate(d, first, 0)
	// The short path holds for 1 to 18 digits without a leading zero (or
	// "0" alone), followed by no fraction or exponent: then the number is
	// well formed and u is exact.
	if digits := i - first; digits == 0 || digits > 18 || (d[first] == '0' && digits > 1) ||
		(i < len(d) && (d[i] == '.' || d[i] == 'e' || d[i] == 'E')) {
		if num, ok = r.Number(); !ok {
			return 0, nil, false
		}
		n, ok = ParseInt(num)
		return n, num, ok
	}
	r.i = i
	if neg {
		return -int64(u), d[start:i], true
	}
	return int64(u), d[start:i], true
}

// Float64 reads the number that Peek found as Number does and parses it
// as ParseFloat does, in one pass for the usual short decimal. ok is false
// on a syntax error, which is in Err, and for a well-formed number out of
// the range of float64 (Err is nil): num is then its text.
func (r *Reader) Float64() (f float64, num []byte, ok bool) {
	d, start := r.data, r.i
	neg, first := signed(d, start)
	m, i := accumulate(d, first, 0)
	intDigits, fracDigits, dot := i-first, 0, false
	if i < len(d) && d[i] == '.' {
		dot = true
		fracStart := i + 1
		m, i = accumulate(d, fracStart, m)
		fracDigits = i - fracStart
	}
	// The short path is ParseFloat's: at most 15 digits and no exponent,
	// so m and the power of ten are exact and one division rounds
	// correctly. It also requires the form to be well formed.
	if intDigits == 0 || (d[first] == '0' && intDigits > 1) || (dot && fracDigits == 0) ||
		intDigits+fracDigits > 15 || (i < len(d) && (d[i] == 'e' || d[i] == 'E')) {
		if num, ok = r.Number(); !ok {
			return 0, nil, false
		}
		var err error
		f, err = ParseFloat(num)
		return f, num, err == nil
	}
	r.i = i
	return shortDecimal(m, fracDigits, neg), d[start:i], true
}

// signed reports whether the number at d[i] has a minus sign, and where
// its digits start.
func signed(d []byte, i int) (neg bool, digits int) {
	if i < len(d) && d[i] == '-' {
		return true, i + 1
	}
	return false, i
}

// accumulate adds the decimal digits at d[i:] to u (u*10 + digit each;
// it wraps after 19 digits, which callers count and refuse) and returns u
// and the offset after the digits.
func accumulate(d []byte, i int, u uint64) (uint64, int) {
	for i < len(d) && isDigit(d[i]) {
		u = u*10 + uint64(d[i]-'0')
		i++
	}
	return u, i
}
