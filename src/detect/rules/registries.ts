// Package and container registries: npm, PyPI, RubyGems, NuGet, Docker, JFrog, crates.io, Clojars, Packagist.
import { defineRules } from '../rule.js';
import { crc32TokenChecksum } from '../validators/checksum.js';
import { validateConnStringPassword, validateDockerAuth } from '../validators/structured.js';

export const registryRules = defineRules([
  {
    id: 'npm-access-token',
    title: 'npm access token',
    severity: 'critical',
    provider: 'npm',
    keywords: ['npm_'],
    pattern: /(?<![A-Za-z0-9_])(?<secret>npm_[A-Za-z0-9]{36})(?![A-Za-z0-9_])/,
    validate: crc32TokenChecksum('npm_'),
    revoke: 'Revoke it with `npm token revoke ID` or at https://www.npmjs.com/settings/~/tokens.',
    examples: {
      positive: [
        { text: '//registry.npmjs.org/:_authToken=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', secret: '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' },
        { text: 'NPM_TOKEN="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"', secret: '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' },
      ],
      negative: [
        '//registry.npmjs.org/:_authToken=npm_dMdQTI9HNPfUXR8OarGxgq0VWn6uoM2J4rz1',
        'NPM_TOKEN=${NPM_TOKEN}',
        'npm_config_cache_dir_is_not_a_token_at_all',
      ],
    },
  },
  {
    id: 'pypi-upload-token',
    title: 'PyPI upload token',
    severity: 'critical',
    provider: 'pypi',
    keywords: ['pypi-ageichlwas5vcmc'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>pypi\-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,300})(?![A-Za-z0-9_-])/,
    minEntropy: 4.0,
    revoke: 'Remove the token at https://pypi.org/manage/account/token/.',
    examples: {
      positive: [
        { text: 'KEY=pypi-AgEIcHlwaS5vcmc4wT7DGMjhO3OHjARdsV7lEz8hqSgXd2NEXq12q5AttRXiFWX5JwVXw09B6c3qdnvZkitJL', secret: 'pypi-AgEIcHlwaS5vcmc4wT7DGMjhO3OHjARdsV7lEz8hqSgXd2NEXq12q5AttRXiFWX5JwVXw09B6c3qdnvZkitJL' },
        { text: 'token: "pypi-AgEIcHlwaS5vcmcdQGHWpB9JOfA2s5xlEKyBNHagsZGIt3PfeCq0WHCCF5NY2xPMSAcSP0Uu3dOma1iIvr5bL"', secret: 'pypi-AgEIcHlwaS5vcmcdQGHWpB9JOfA2s5xlEKyBNHagsZGIt3PfeCq0WHCCF5NY2xPMSAcSP0Uu3dOma1iIvr5bL' },
      ],
      negative: ['KEY=pypi-AgEIcHlwaS5vcmcxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'pypi-AgEIcHlwaS5vcmc is the prefix of PyPI upload token values'],
    },
  },
  {
    id: 'pypi-test-upload-token',
    title: 'TestPyPI upload token',
    severity: 'low',
    provider: 'pypi',
    keywords: ['pypi-agendgvzdc5wexbplm9yzw'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>pypi\-AgENdGVzdC5weXBpLm9yZw[A-Za-z0-9_-]{50,300})(?![A-Za-z0-9_-])/,
    minEntropy: 4.0,
    revoke: 'Remove the token at https://test.pypi.org/manage/account/token/.',
    examples: {
      positive: [
        { text: 'KEY=pypi-AgENdGVzdC5weXBpLm9yZw0ANfgUY7HiH9iS2M1pm4cGs-xcyUuaUUrTvWl8w8eJErszha2gWH7rbYplT3T1C8XqZiRm', secret: 'pypi-AgENdGVzdC5weXBpLm9yZw0ANfgUY7HiH9iS2M1pm4cGs-xcyUuaUUrTvWl8w8eJErszha2gWH7rbYplT3T1C8XqZiRm' },
        { text: 'token: "pypi-AgENdGVzdC5weXBpLm9yZw_wJ-u0YUc5w4mmZX0l9t5zb94PZh5Ja3E07oQBqAWJ70G3NeH-4mMlwfQr3oQ43KFCMYJ9"', secret: 'pypi-AgENdGVzdC5weXBpLm9yZw_wJ-u0YUc5w4mmZX0l9t5zb94PZh5Ja3E07oQBqAWJ70G3NeH-4mMlwfQr3oQ43KFCMYJ9' },
      ],
      negative: ['KEY=pypi-AgENdGVzdC5weXBpLm9yZwxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'pypi-AgENdGVzdC5weXBpLm9yZw is the prefix of TestPyPI upload token values'],
    },
  },
  {
    id: 'rubygems-api-key',
    title: 'RubyGems API key',
    severity: 'critical',
    provider: 'rubygems',
    keywords: ['rubygems_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>rubygems_[a-f0-9]{48})(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Revoke it at https://rubygems.org/profile/api_keys.',
    examples: {
      positive: [
        { text: 'KEY=rubygems_cc7cfcce6c581fff25a5f1f995f126f3bac08427692ba422', secret: 'rubygems_cc7cfcce6c581fff25a5f1f995f126f3bac08427692ba422' },
        { text: 'token: "rubygems_44f901da73c920f6882bfc31b5d4100e7f8ba339feaa1c8c"', secret: 'rubygems_44f901da73c920f6882bfc31b5d4100e7f8ba339feaa1c8c' },
      ],
      negative: [
        'KEY=rubygems_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'rubygems_ is the prefix of RubyGems API key values',
        // near miss: one character short
        'KEY=rubygems_cc7cfcce6c581fff25a5f1f995f126f3bac08427692ba42',
      ],
    },
  },
  {
    id: 'nuget-api-key',
    title: 'NuGet API key',
    severity: 'critical',
    provider: 'nuget',
    keywords: ['oy2'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>oy2[a-z0-9]{43})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Delete or regenerate it at https://www.nuget.org/account/apikeys.',
    examples: {
      positive: [
        { text: 'KEY=oy2qsf825w00xwh545d3mtnf2fsogqedpvcy9xmn6ilfg4', secret: 'oy2qsf825w00xwh545d3mtnf2fsogqedpvcy9xmn6ilfg4' },
        { text: 'token: "oy2fwwv6tbn7iqtzvjdhhacb4rj9o0fq2oc73gqp55sc00"', secret: 'oy2fwwv6tbn7iqtzvjdhhacb4rj9o0fq2oc73gqp55sc00' },
      ],
      negative: [
        'KEY=oy2xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'oy2 is the prefix of NuGet API key values',
        // near miss: one character short
        'KEY=oy2qsf825w00xwh545d3mtnf2fsogqedpvcy9xmn6ilfg',
      ],
    },
  },
  {
    id: 'dockerhub-pat',
    title: 'Docker Hub personal access token',
    severity: 'high',
    provider: 'docker',
    keywords: ['dckr_pat_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>dckr_pat_[A-Za-z0-9_-]{27})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Delete it at https://app.docker.com/settings/personal-access-tokens.',
    examples: {
      positive: [
        { text: 'KEY=dckr_pat_EsILtPz4EuMkibzdPRoT9ujDOkT', secret: 'dckr_pat_EsILtPz4EuMkibzdPRoT9ujDOkT' },
        { text: 'token: "dckr_pat_v17-jh6LWp-EI1MZuYVPqWuOink"', secret: 'dckr_pat_v17-jh6LWp-EI1MZuYVPqWuOink' },
      ],
      negative: [
        'KEY=dckr_pat_xxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'dckr_pat_ is the prefix of Docker Hub personal access token values',
        // near miss: one character short
        'KEY=dckr_pat_EsILtPz4EuMkibzdPRoT9ujDOk',
      ],
    },
  },
  {
    id: 'dockerhub-oat',
    title: 'Docker Hub organization access token',
    severity: 'high',
    provider: 'docker',
    keywords: ['dckr_oat_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>dckr_oat_[A-Za-z0-9_-]{32})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Delete it in the Docker Hub organization settings.',
    examples: {
      positive: [
        { text: 'KEY=dckr_oat_uQZZx1st8esGVKt2fOzSJIsdgaqnSVmZ', secret: 'dckr_oat_uQZZx1st8esGVKt2fOzSJIsdgaqnSVmZ' },
        { text: 'token: "dckr_oat_W5J_qEXXM4DN0JOwQglgKYLpj7ftrTZn"', secret: 'dckr_oat_W5J_qEXXM4DN0JOwQglgKYLpj7ftrTZn' },
      ],
      negative: [
        'KEY=dckr_oat_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'dckr_oat_ is the prefix of Docker Hub organization access token values',
        // near miss: one character short
        'KEY=dckr_oat_uQZZx1st8esGVKt2fOzSJIsdgaqnSVm',
      ],
    },
  },
  {
    id: 'docker-config-auth',
    title: 'Docker registry credentials (config.json auths)',
    severity: 'high',
    provider: 'docker',
    keywords: ['"auth"'],
    pattern: /"auth"\s{0,4}:\s{0,4}"(?<secret>[A-Za-z0-9+\/]{8,1024}={0,2})"/,
    validate: validateDockerAuth,
    revoke: 'Revoke the registry password or token, then docker logout and log in again with a credential helper.',
    examples: {
      positive: [
        { text: '{"auths": {"registry.corp.example.net": {"auth": "ZGVwbG95Ok5td0dwYUNIbmc2UVVsMEdOT2Fj"}}}', secret: 'ZGVwbG95Ok5td0dwYUNIbmc2UVVsMEdOT2Fj' },
        { text: '{\n  "auths": {\n    "ghcr.io": {\n      "auth": "Y2ktYm90OnlDQTJZc1E4OHhzWlh2RklndHl1UjZPYw=="\n    }\n  }\n}', secret: 'Y2ktYm90OnlDQTJZc1E4OHhzWlh2RklndHl1UjZPYw==' },
      ],
      negative: ['{"auths": {"ghcr.io": {"auth": ""}}}', '{"auths": {"x": {"auth": "bm9jb2xvbmhlcmUtanVzdC10ZXh0"}}}'],
    },
  },
  {
    id: 'artifactory-api-key',
    title: 'JFrog Artifactory API key',
    severity: 'high',
    provider: 'jfrog',
    keywords: ['akcp'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>AKCp[A-Za-z0-9]{69})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Revoke it in the JFrog user profile (API key / identity tokens).',
    examples: {
      positive: [
        { text: 'KEY=AKCpWQ8DZyuuN6Q95XYMjOaQah9rK1sK0LfqMtE6EnonYH0IzYcV3Pvi2bH4mEyDF2jmOizDa', secret: 'AKCpWQ8DZyuuN6Q95XYMjOaQah9rK1sK0LfqMtE6EnonYH0IzYcV3Pvi2bH4mEyDF2jmOizDa' },
        { text: 'token: "AKCpLngSdRPtbbECXg5J1Yquz113p3AicDMuRB58jTN7y85UNkNrCaKSaZU1HxwJmSbPvBISj"', secret: 'AKCpLngSdRPtbbECXg5J1Yquz113p3AicDMuRB58jTN7y85UNkNrCaKSaZU1HxwJmSbPvBISj' },
      ],
      negative: [
        'KEY=AKCpxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'AKCp is the prefix of JFrog Artifactory API key values',
        // near miss: one character short
        'KEY=AKCpWQ8DZyuuN6Q95XYMjOaQah9rK1sK0LfqMtE6EnonYH0IzYcV3Pvi2bH4mEyDF2jmOizD',
      ],
    },
  },
  {
    id: 'artifactory-reference-token',
    title: 'JFrog reference token',
    severity: 'high',
    provider: 'jfrog',
    keywords: ['cmvmdgtu'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>cmVmdGtu[A-Za-z0-9]{56})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Revoke it in the JFrog platform (Identity tokens).',
    examples: {
      positive: [
        { text: 'JFROG_TOKEN=cmVmdGtuSmSrRQuVwkFEalj0NIkwxsuar5Hv43bof2TYVoTfqc17bh34TSVIZ18Q', secret: 'cmVmdGtuSmSrRQuVwkFEalj0NIkwxsuar5Hv43bof2TYVoTfqc17bh34TSVIZ18Q' },
        { text: 'token: "cmVmdGtu9iLN8V39yWDCmlp1OfJVnLlq1ojYTSvQ6CumdumK87VRTVT17b6AojQl"', secret: 'cmVmdGtu9iLN8V39yWDCmlp1OfJVnLlq1ojYTSvQ6CumdumK87VRTVT17b6AojQl' },
      ],
      negative: [
        'KEY=cmVmdGtuxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'cmVmdGtu is the prefix of JFrog reference token values',
        // near miss: one character short
        'JFROG_TOKEN=cmVmdGtuSmSrRQuVwkFEalj0NIkwxsuar5Hv43bof2TYVoTfqc17bh34TSVIZ18',
      ],
    },
  },
  {
    id: 'crates-io-token',
    title: 'crates.io API token',
    severity: 'high',
    provider: 'crates',
    keywords: ['cio'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>cio[A-Za-z0-9]{32})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Revoke it at https://crates.io/settings/tokens.',
    examples: {
      positive: [
        { text: 'KEY=cioA6o9bflwmzpCPFJ6i1urXrtRFDENTuAt', secret: 'cioA6o9bflwmzpCPFJ6i1urXrtRFDENTuAt' },
        { text: 'token: "cioQ4UzfzF0b9iMOpvTTnnTwhIPdRAjigtV"', secret: 'cioQ4UzfzF0b9iMOpvTTnnTwhIPdRAjigtV' },
      ],
      negative: [
        'KEY=cioxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'cio is the prefix of crates.io API token values',
        // near miss: one character short
        'KEY=cioA6o9bflwmzpCPFJ6i1urXrtRFDENTuA',
      ],
    },
  },
  {
    id: 'clojars-token',
    title: 'Clojars deploy token',
    severity: 'high',
    provider: 'clojars',
    keywords: ['clojars_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>CLOJARS_[a-z0-9]{60})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Delete it at https://clojars.org/tokens.',
    examples: {
      positive: [
        { text: 'KEY=CLOJARS_w0zwqm0oeatemafms7gfcqz144nhycr20nmerrtmyh9prpgaq0yheekflb0i', secret: 'CLOJARS_w0zwqm0oeatemafms7gfcqz144nhycr20nmerrtmyh9prpgaq0yheekflb0i' },
        { text: 'token: "CLOJARS_2tce4et7t7yucxj4lont1sq8n6eyk2fhwyqik47evgzi39cu1kgqs2egqrn6"', secret: 'CLOJARS_2tce4et7t7yucxj4lont1sq8n6eyk2fhwyqik47evgzi39cu1kgqs2egqrn6' },
      ],
      negative: [
        'KEY=CLOJARS_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'CLOJARS_ is the prefix of Clojars deploy token values',
        // near miss: one character short
        'KEY=CLOJARS_w0zwqm0oeatemafms7gfcqz144nhycr20nmerrtmyh9prpgaq0yheekflb0',
      ],
    },
  },
  {
    id: 'packagist-token',
    title: 'Packagist API token',
    severity: 'high',
    provider: 'packagist',
    keywords: ['packagist_uut_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>packagist_uut_[A-Za-z0-9]{68})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Regenerate it in your Packagist profile.',
    examples: {
      positive: [
        { text: 'KEY=packagist_uut_P6cHpOH6BGKTUIp87MX6pB8uARixWeRxH5UBePvtdirIwSON8UOPzrfiuAUQtkreLaEi', secret: 'packagist_uut_P6cHpOH6BGKTUIp87MX6pB8uARixWeRxH5UBePvtdirIwSON8UOPzrfiuAUQtkreLaEi' },
        { text: 'token: "packagist_uut_4c6Th5cdW7xWozFO3OimKvgmlpV7ni8d00utOB8vMmxVMJpruAEkBVgPBaiZRbAMROoX"', secret: 'packagist_uut_4c6Th5cdW7xWozFO3OimKvgmlpV7ni8d00utOB8vMmxVMJpruAEkBVgPBaiZRbAMROoX' },
      ],
      negative: ['KEY=packagist_uut_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'packagist_uut_ is the prefix of Packagist API token values'],
    },
  },
  {
    id: 'npmrc-auth-token',
    title: 'npm registry auth token in .npmrc',
    severity: 'high',
    provider: 'npm',
    keywords: ['_authtoken'],
    pattern: /:_authToken\s{0,4}=\s{0,4}(?<secret>[A-Za-z0-9_.+\/=-]{20,512})/,
    minEntropy: 3.0,
    revoke: 'Revoke the token at the registry (npm token revoke, or the registry UI) and use an env var in .npmrc.',
    examples: {
      positive: [
        { text: '//registry.npmjs.org/:_authToken=a54e2baf-c2dc-42f4-a7aa-4e7944e5e2f7', secret: 'a54e2baf-c2dc-42f4-a7aa-4e7944e5e2f7' },
        { text: '//npm.pkg.github.com/:_authToken=Tb7vQfUBbwsgn6JfmoqYRubdq+hFzXuxS6b2RvZqeFXXmPO5KU8QancffYLUaJ2I', secret: 'Tb7vQfUBbwsgn6JfmoqYRubdq+hFzXuxS6b2RvZqeFXXmPO5KU8QancffYLUaJ2I' },
      ],
      negative: ['//registry.npmjs.org/:_authToken=${NPM_TOKEN}', '//registry.npmjs.org/:_authToken=xxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
    },
  },
  {
    id: 'pypirc-password',
    title: 'Package index password in .pypirc',
    severity: 'high',
    provider: 'pypi',
    // Every match holds a line that starts with `password`; the section name can be anything.
    keywords: ['\npassword'],
    pattern: /\[(?:pypi|testpypi|[a-z0-9_-]{1,40})\][^\[]{0,300}?\npassword\s{0,4}[:=]\s{0,4}(?<secret>[^\s]{8,256})/,
    validate: validateConnStringPassword,
    minEntropy: 3.0,
    revoke: 'Change the password or revoke the token at the package index; use keyring or env vars instead of .pypirc.',
    examples: {
      positive: [
        { text: '[distutils]\nindex-servers = pypi\n\n[pypi]\nusername = deploy\npassword = Zq7pN3vK9sW2xYa\n', secret: 'Zq7pN3vK9sW2xYa' },
        // An upload token here (pypi-AgEI…) is reported by pypi-upload-token, which comes first.
        { text: '[internal]\nrepository = https://pkgs.corp.example.net/simple\nusername = ci\npassword = t4Wq9Lm2Xv7Rk3Nz\n', secret: 't4Wq9Lm2Xv7Rk3Nz' },
        // A section with neither "pypi" nor a repository line: keyed on the password line itself.
        { text: '[mirror]\nusername = ci\npassword = Hq8Wz3Rt6Yp2Lk9V\n', secret: 'Hq8Wz3Rt6Yp2Lk9V' },
      ],
      negative: ['[pypi]\nusername = __token__\npassword = <your token>\n', '[pypi]\nusername = deploy\npassword = %(PYPI_PASSWORD)s\n'],
    },
  },
]);
