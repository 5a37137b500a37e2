"""The LMS's files: submissions archives and folders in (`intake`), the class list (`roster`), grades and feedback
out in the LMS's own import formats (`export`)."""
