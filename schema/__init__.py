"""GraphQL surface and HTTP app: types, the Query root, errors, create_app() and schema.graphql."""
