"""What the course publishes: the exercise and translated editions (`editions`, with the gettext catalogs of
`catalogs`), the Colab badge and install cells (`colab`), the web site (`site`)."""
