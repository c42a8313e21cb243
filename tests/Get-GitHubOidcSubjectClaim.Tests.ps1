#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Get-GitHubOidcSubjectClaim against the fake GitHub server.

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    Import-TestModule
    $script:fake = Start-FakeGitHub
    $script:context = $script:fake.Context()
}

AfterAll {
    Stop-FakeGitHub -Fake $script:fake
}

Describe 'Get-GitHubOidcSubjectClaim' {
    BeforeEach {
        Reset-FakeGitHub -Fake $script:fake
    }

    Context 'Organization' {
        It 'gets a customized organization template' {
            $template = Get-GitHubOidcSubjectClaim -Owner custom-org -Context $script:context
            $template.PSObject.TypeNames | Should -Contain 'GitHubOidc.SubjectClaim'
            $template.Owner | Should -Be 'custom-org'
            $template.IncludeClaimKeys | Should -Be @('repository_owner_id', 'context')
            $template.Customized | Should -BeTrue
            $template.HostName | Should -Be 'github.com'
            $template.PSObject.Properties.Name | Should -Not -Contain 'Repository'
            # GitHub's own names are aliases of the properties (scripts written for PSModule/GitHub).
            $template.include_claim_keys | Should -Be @('repository_owner_id', 'context')
            $template.use_default | Should -Be $template.UseDefault
            $template.use_immutable_subject | Should -Be $template.UseImmutableSubject
            $template.sub_claim_prefix | Should -Be $template.SubClaimPrefix
            $template.PSObject.Properties['include_claim_keys'].MemberType | Should -Be 'AliasProperty'
            $request = @(Get-FakeRequests -Fake $script:fake -Method GET)[0]
            $request.path | Should -Be '/orgs/custom-org/actions/oidc/customization/sub'
            $request.headers.authorization | Should -Be 'Bearer test-admin-token'
        }

        It 'reports an organization without a template as not customized, not as an error' {
            $template = Get-GitHubOidcSubjectClaim -Owner octo-org -Context $script:context -ErrorVariable errors
            $errors | Should -BeNullOrEmpty
            $template.Customized | Should -BeFalse
            $template.IncludeClaimKeys | Should -Be @('repo', 'context')
        }

        It 'reports a missing organization as GitHubOidc.NotFound with the owner as target' {
            $Error.Clear()
            $null = Get-GitHubOidcSubjectClaim -Owner no-such-org -Context $script:context -ErrorAction SilentlyContinue -ErrorVariable allErrors
            # Exactly one record: the native failure is returned, not thrown, so nothing else lands in -ErrorVariable or $Error.
            $errors = @($allErrors)
            $errors.Count | Should -Be 1
            $Error.Count | Should -Be 1
            $Error[0].FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.NotFound,*'
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.NotFound,*'
            $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $errors[0].TargetObject | Should -Be 'no-such-org'
        }

        It 'accepts -Organization and -User as aliases of -Owner' {
            (Get-GitHubOidcSubjectClaim -Organization custom-org -Context $script:context).Owner | Should -Be 'custom-org'
            (Get-GitHubOidcSubjectClaim -User custom-org -Context $script:context).Owner | Should -Be 'custom-org'
        }
    }

    Context 'Repository' {
        It 'gets a repository that uses the default format' {
            $template = Get-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -Context $script:context
            $template.Owner | Should -Be 'octo-org'
            $template.Repository | Should -Be 'octo-repo'
            $template.UseDefault | Should -BeTrue
            $template.IncludeClaimKeys | Should -BeNullOrEmpty
            $template.SubClaimPrefix | Should -Be 'repo:octo-org/octo-repo'
            (Get-FakeRequests -Fake $script:fake -Method GET)[0].path | Should -Be '/repos/octo-org/octo-repo/actions/oidc/customization/sub'
        }

        It 'gets a repository with its own keys' {
            $template = Get-GitHubOidcSubjectClaim -Owner custom-org -Repo own-template -Context $script:context
            $template.UseDefault | Should -BeFalse
            $template.IncludeClaimKeys | Should -Be @('repo', 'context', 'job_workflow_ref')
        }

        It 'gets a repository opted in to its organization template (use_default false, no keys)' {
            $template = Get-GitHubOidcSubjectClaim -Owner custom-org -Repository opted-in -Context $script:context
            $template.UseDefault | Should -BeFalse
            $template.IncludeClaimKeys | Should -BeNullOrEmpty
        }

        It 'shows the immutable prefix even while use_immutable_subject is false' {
            $template = Get-GitHubOidcSubjectClaim -Owner octo-org -Repository new-repo -Context $script:context
            $template.UseImmutableSubject | Should -BeFalse
            $template.SubClaimPrefix | Should -Match '^repo:octo-org@\d+/new-repo@\d+$'
        }

        It 'offers GitHub''s property names as aliases (PSModule/GitHub scripts keep working)' {
            $template = Get-GitHubOidcSubjectClaim -Owner custom-org -Repository own-template -Context $script:context
            $template.include_claim_keys | Should -Be $template.IncludeClaimKeys
            $template.use_default | Should -Be $template.UseDefault
            $template.use_immutable_subject | Should -Be $template.UseImmutableSubject
            $template.sub_claim_prefix | Should -Be $template.SubClaimPrefix
        }

        It 'reports a missing repository as GitHubOidc.NotFound with owner/repo as target' {
            $null = Get-GitHubOidcSubjectClaim -Owner octo-org -Repository no-such-repo -Context $script:context -ErrorAction SilentlyContinue -ErrorVariable allErrors
            $errors = @($allErrors | Where-Object FullyQualifiedErrorId -Like 'GitHubOidc.*')
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.NotFound,*'
            $errors[0].TargetObject | Should -Be 'octo-org/no-such-repo'
        }

        It 'formats as a readable table' {
            $text = Get-GitHubOidcSubjectClaim -Owner custom-org -Repository own-template -Context $script:context | Format-Table | Out-String -Width 200
            $text | Should -Match 'own-template'
            $text | Should -Match 'repo, context, job_workflow_ref'
        }
    }

    Context 'Pipeline' {
        It 'reads many repositories by property name and keeps going after an error' {
            $items = @(
                [pscustomobject]@{ Owner = 'custom-org'; Repository = 'opted-in' }
                [pscustomobject]@{ Owner = 'octo-org'; Repository = 'no-such-repo' }
                [pscustomobject]@{ Organization = 'custom-org'; Repo = 'own-template' }
                [pscustomobject]@{ Owner = 'custom-org' }
            )
            $results = $items | Get-GitHubOidcSubjectClaim -Context $script:context -ErrorAction SilentlyContinue -ErrorVariable allErrors
            $errors = @($allErrors | Where-Object FullyQualifiedErrorId -Like 'GitHubOidc.*')
            $results.Count | Should -Be 3
            $results[0].Repository | Should -Be 'opted-in'
            $results[1].Repository | Should -Be 'own-template'
            $results[2].Owner | Should -Be 'custom-org'
            $results[2].PSObject.Properties.Name | Should -Not -Contain 'Repository'
            $errors.Count | Should -Be 1
            $errors[0].TargetObject | Should -Be 'octo-org/no-such-repo'
        }
    }

    Context 'The same context in command after command' {
        # Initialize-GitHubOidcContext reuses the previous command's resolution while the value
        # and the environment are the same: every change must still reach the request.
        BeforeAll {
            $script:savedTokens = @{}
            foreach ($name in 'GH_HOST', 'GH_TOKEN', 'GITHUB_TOKEN') {
                $script:savedTokens[$name] = [Environment]::GetEnvironmentVariable($name)
            }
        }

        AfterAll {
            foreach ($name in $script:savedTokens.Keys) {
                [Environment]::SetEnvironmentVariable($name, $script:savedTokens[$name])
            }
        }

        BeforeEach {
            Clear-GitHubOidcTestEnvironment
        }

        It 'sends what the hashtable holds now: its token and its API base, changed in place' {
            $context = @{ HostName = 'github.com'; ApiBaseUri = $script:fake.BaseUrl; Token = 'test-admin-token' }
            $null = Get-GitHubOidcSubjectClaim -Owner custom-org -Context $context
            $null = Get-GitHubOidcSubjectClaim -Owner custom-org -Context $context
            $context.Token = 'test-read-token'
            $null = Get-GitHubOidcSubjectClaim -Owner custom-org -Context $context
            $context['token'] = 'test-admin-token'
            $context.ApiBaseUri = "$($script:fake.BaseUrl)/api/v3"
            $null = Get-GitHubOidcSubjectClaim -Owner custom-org -Context $context
            $requests = @(Get-FakeRequests -Fake $script:fake -Method GET)
            $requests.Count | Should -Be 4
            @($requests.headers.authorization) |
                Should -Be @('Bearer test-admin-token', 'Bearer test-admin-token', 'Bearer test-read-token', 'Bearer test-admin-token')
            $path = '/orgs/custom-org/actions/oidc/customization/sub'
            @($requests.path)[2..3] | Should -Be @($path, "/api/v3$path")
        }

        It 'fails without a token once the hashtable loses it, and a new equal hashtable works like the old one' {
            $context = @{ ApiBaseUri = $script:fake.BaseUrl; Token = 'test-admin-token' }
            $null = Get-GitHubOidcSubjectClaim -Owner custom-org -Context $context
            $context.Remove('Token')
            $path = $env:PATH
            try {
                # No gh to ask either: an empty directory as PATH.
                $env:PATH = [System.IO.Path]::GetTempPath()
                { Get-GitHubOidcSubjectClaim -Owner custom-org -Context $context } | Should -Throw -ErrorId 'GitHubOidc.InvalidArgument*'
            } finally {
                $env:PATH = $path
            }
            $null = Get-GitHubOidcSubjectClaim -Owner custom-org -Context @{ ApiBaseUri = $script:fake.BaseUrl; Token = 'test-read-token' }
            $null = Get-GitHubOidcSubjectClaim -Owner custom-org -Context @{ ApiBaseUri = $script:fake.BaseUrl; Token = 'test-read-token' }
            @((Get-FakeRequests -Fake $script:fake -Method GET).headers.authorization) |
                Should -Be @('Bearer test-admin-token', 'Bearer test-read-token', 'Bearer test-read-token')
        }

        It 'takes the token from the environment as it is at each command' {
            $context = @{ ApiBaseUri = $script:fake.BaseUrl }
            $env:GITHUB_TOKEN = 'test-read-token'
            $null = Get-GitHubOidcSubjectClaim -Owner custom-org -Context $context
            $null = Get-GitHubOidcSubjectClaim -Owner custom-org -Context $context
            $env:GH_TOKEN = 'test-admin-token'
            $null = Get-GitHubOidcSubjectClaim -Owner custom-org -Context $context
            $env:GH_TOKEN = 'test-read-token'
            $null = Get-GitHubOidcSubjectClaim -Owner custom-org -Context $context
            @((Get-FakeRequests -Fake $script:fake -Method GET).headers.authorization) |
                Should -Be @('Bearer test-read-token', 'Bearer test-read-token', 'Bearer test-admin-token', 'Bearer test-read-token')
        }

        It 'follows GH_HOST for a context that names no host' {
            $context = @{ Token = 'test-admin-token' }
            $env:GH_HOST = 'octocorp.ghe.com'
            (Get-GitHubOidcContext -Context $context).ApiBaseUri | Should -Be 'https://api.octocorp.ghe.com'
            (Get-GitHubOidcContext -Context $context).ApiBaseUri | Should -Be 'https://api.octocorp.ghe.com'
            $env:GH_HOST = 'github.example.com'
            (Get-GitHubOidcContext -Context $context).ApiBaseUri | Should -Be 'https://github.example.com/api/v3'
        }
    }

    Context 'GitHub Enterprise Server-style API prefix' {
        It 'works against an ApiBaseUri ending in /api/v3' {
            $context = @{ HostName = 'github.example.com'; ApiBaseUri = "$($script:fake.BaseUrl)/api/v3"; Token = 'test-admin-token' }
            (Get-GitHubOidcSubjectClaim -Owner custom-org -Context $context).IncludeClaimKeys | Should -Be @('repository_owner_id', 'context')
            (Get-FakeRequests -Fake $script:fake -Method GET)[0].path | Should -Be '/api/v3/orgs/custom-org/actions/oidc/customization/sub'
        }
    }
}
