"""The faces every person sees first: the home page built from their roles, and the navigation.
It sits on the top floor because it reads from every feature below it."""
