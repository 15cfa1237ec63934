from pith_graph.cli.main import run

run()
