package events

// Subject returns the service the event is about (Service), for use as a
// CloudEvents subject or a partition and ordering key.
func (p RunCompletedPayload) Subject() string { return p.Service }

// Subject returns the service the event is about (Name), for use as a
// CloudEvents subject or a partition and ordering key.
func (p ServiceRegisteredPayload) Subject() string { return p.Name }

// Subject returns the service the event is about (Name), for use as a
// CloudEvents subject or a partition and ordering key.
func (p ServiceDeregisteredPayload) Subject() string { return p.Name }

// Subject returns the service the event is about (Service), for use as a
// CloudEvents subject or a partition and ordering key.
func (p ThresholdViolatedPayload) Subject() string { return p.Service }

// Subject returns the service the event is about (Service), for use as a
// CloudEvents subject or a partition and ordering key.
func (p AlertFiredPayload) Subject() string { return p.Service }
