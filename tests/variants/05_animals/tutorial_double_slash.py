# The tutorial's client: BASE_URL ends with a slash, and speak adds another one.
BASE_URL = "http://127.0.0.1:8080/animals/"
