"""The pages of public rental housing, one module per entity (lists are `ListPage`s; actions run inside `refused`)."""
