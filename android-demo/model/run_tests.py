"""The runner of this folder's *_test.py files (no pytest here): every `test_*` function of a module,
in order, then `N passed` (train.spec.ts matches it)."""


def run_tests(namespace):
    tests = [v for k, v in list(namespace.items()) if k.startswith('test_')]
    for t in tests:
        t()
        print(f'ok {t.__name__}')
    print(f'{len(tests)} passed')
