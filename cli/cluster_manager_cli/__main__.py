from cluster_manager_cli.main import run

run()
