package diagram

// Waiting returns how many renders wait for a worker now.
func (s *Service) Waiting() int { return s.queue.waitingNow() }
