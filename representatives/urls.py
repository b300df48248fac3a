portal_patterns = []

manage_patterns = []

console_patterns = []
