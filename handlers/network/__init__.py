"""The network of coalitions: /link, /network, /unlink, and `shared=` in /editevent."""
