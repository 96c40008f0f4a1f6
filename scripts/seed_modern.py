# ruff: noqa: E501 - the seed texts are prose, one sentence per string
"""Seed texts of modern notices and the phishing that imitates them (authored for spamscore).

The shared corpora hold no Japanese legitimate mail at all and little modern account mail, so
the classifier learns the difference between a real notice and its imitation from these
messages, written by the spamscore developers (our own text, released under the project's
licence). The phishing kinds follow the public warnings of the Council of Anti-Phishing Japan
(フィッシング対策協議会), JC3, the National Police Agency, the FTC and CISA: account suspension,
"confirm your card use", payment update, unpaid fees and tolls, parcel redelivery fees,
tax refunds, prize and inheritance fees. No text was copied from any corpus or warning.

Both classes use the same brands and the same kinds of topic (a bank's real notice and a fake
one, a parcel notice and a parcel-fee lure), so brand and topic words stay neutral; what
separates them is what the mail asks for: a login or card number behind a link, a deadline
with a sanction, a fee, or nothing of the kind. A real notice comes from the brand's own domain
(the ones rules/lists/brands.yaml lists for it), as it does in life; the imitations and the
invented shops use subdomains of the reserved example.com (which the features ignore).

Each entry is (sender, subject, paragraphs, link domain); `scripts/make_seed_corpus.py` writes
them with the same layouts, footers and share of HTML-only messages for both classes.
"""

from __future__ import annotations

# --- Japanese: real notices ----------------------------------------------------------------

JA_NOTICE_HAM = [
    (
        "Amazon.co.jp <order-update@amazon.co.jp>",
        "Amazon.co.jp ご注文の確認",
        [
            "Amazon.co.jp をご利用いただき、ありがとうございます。以下のご注文を承りました。",
            "注文番号 503-2291847-1120433　ワイヤレスイヤホン 1点　合計 ￥4,280（税込）",
            "お届け予定日は5月18日（土）です。配送状況は「注文履歴」からご確認いただけます。",
        ],
        "amazon.co.jp",
    ),
    (
        "Amazon.co.jp <shipment-tracking@amazon.co.jp>",
        "お客様の商品は発送されました",
        [
            "ご注文いただいた商品を発送しました。お届け予定日：明日 8:00〜12:00。",
            "配送業者：ヤマト運輸　お問い合わせ伝票番号：4521-8830-1176",
            "置き配を指定された場合は、玄関前にお届けします。",
        ],
        "amazon.co.jp",
    ),
    (
        "Amazon.co.jp <no-reply@amazon.co.jp>",
        "Amazonプライム会費のお支払いについて（領収書）",
        [
            "Amazonプライムの年会費 5,900円（税込）のお支払いが完了しました。",
            "次回の更新日は2026年4月12日です。会員情報はアカウントサービスからいつでも確認できます。",
            "このメールは送信専用のため、ご返信いただいてもお答えできません。",
        ],
        "amazon.co.jp",
    ),
    (
        "Amazon.co.jp <return@amazon.co.jp>",
        "返金手続き完了のお知らせ",
        [
            "返品された商品の受け取りを確認し、2,980円の返金手続きを行いました。",
            "クレジットカードへの返金は、カード会社の処理により反映まで最大10日ほどかかります。",
        ],
        "amazon.co.jp",
    ),
    (
        "三井住友カード <statement@smbc-card.com>",
        "【三井住友カード】ご利用代金明細確定のお知らせ",
        [
            "いつも三井住友カードをご利用いただきありがとうございます。",
            "6月分のご利用代金明細が確定しました。お支払金額は 38,420円、お支払日は6月26日です。",
            "明細は Vpass アプリまたは会員サイトでご確認ください。",
        ],
        "smbc-card.com",
    ),
    (
        "三井住友カード <info@smbc-card.com>",
        "【三井住友カード】カードご利用のお知らせ",
        [
            "カードのご利用がありましたのでお知らせします。",
            "ご利用日時：5月9日 19:42　ご利用先：ドラッグストア　ご利用金額：2,316円",
            "お心当たりのないご利用の場合は、カード裏面の電話番号までご連絡ください。",
        ],
        "smbc-card.com",
    ),
    (
        "JCB <mail@jcb.co.jp>",
        "【JCB】ご請求金額確定のご案内",
        [
            "JCBカードをご利用いただき誠にありがとうございます。",
            "今回のご請求金額が確定しました。ご請求額：12,870円、お支払い日：7月10日（月）。",
            "詳細は MyJCB のご利用明細でご確認いただけます。",
        ],
        "jcb.co.jp",
    ),
    (
        "楽天カード <info@rakuten-card.co.jp>",
        "【楽天カード】ご請求金額確定のお知らせ",
        [
            "楽天カードをご利用いただきありがとうございます。8月27日のお引き落とし金額が確定しました。",
            "ご請求金額：21,504円　お支払い口座：登録済みの口座",
            "今月のお買い物で獲得したポイントは、ご請求確定後に付与されます。",
        ],
        "rakuten-card.co.jp",
    ),
    (
        "楽天市場 <order@rakuten.co.jp>",
        "【楽天市場】注文内容ご確認（自動配信メール）",
        [
            "この度は楽天市場でのお買い物ありがとうございます。ショップからの発送連絡をお待ちください。",
            "[受注番号] 338201-20250514-0041　[商品] 国産はちみつ 500g × 2",
            "ポイント利用：300ポイント　お支払い方法：クレジットカード",
        ],
        "rakuten.co.jp",
    ),
    (
        "エポスカード <info@eposcard.co.jp>",
        "エポスカード ご利用明細のご案内",
        [
            "エポスカードの今月のご利用明細をご用意しました。",
            "ご請求予定額は 9,640円です。お支払いは口座振替にて4日に行われます。",
        ],
        "eposcard.co.jp",
    ),
    (
        "イオンカード <info@aeon.co.jp>",
        "【イオンカード】WAON POINT 付与のお知らせ",
        [
            "いつもイオンカードをご利用いただきありがとうございます。",
            "5月のご利用分として WAON POINT 186ポイントを付与しました。",
            "ポイントの有効期限は付与日から2年後の月末です。",
        ],
        "aeon.co.jp",
    ),
    (
        "三菱UFJ銀行 <info@bk.mufg.jp>",
        "【三菱UFJ銀行】お振込受付のお知らせ",
        [
            "三菱UFJダイレクトでお振込を受け付けました。",
            "受付日時：6月3日 10:15　お振込先：ヤマダ タロウ 様　金額：30,000円",
            "このお取引にお心当たりがない場合は、お手数ですがサポートデスクまでお電話ください。",
        ],
        "bk.mufg.jp",
    ),
    (
        "三菱UFJ銀行 <notice@bk.mufg.jp>",
        "システムメンテナンスに伴うサービス休止のお知らせ",
        [
            "システムメンテナンスのため、以下の時間帯はインターネットバンキングをご利用いただけません。",
            "休止時間：6月15日（日）0:00〜6:00",
            "ご不便をおかけしますが、ご理解のほどよろしくお願いいたします。",
        ],
        "bk.mufg.jp",
    ),
    (
        "ゆうちょ銀行 <info@jp-bank.japanpost.jp>",
        "ゆうちょ通帳アプリ ご入金のお知らせ",
        [
            "ご登録の口座にご入金がありました。",
            "入金日：4月25日　金額：215,300円　摘要：給与",
            "残高や入出金明細は、ゆうちょ通帳アプリでご確認いただけます。",
        ],
        "jp-bank.japanpost.jp",
    ),
    (
        "りそな銀行 <info@resona-bank.example.com>",
        "【りそな銀行】ログインのお知らせ",
        [
            "りそなグループアプリへのログインがありました。日時：7月2日 8:14　端末：iPhone",
            "ご本人によるログインであれば、対応は不要です。",
            "お心当たりがない場合は、ご自身でアプリを開いてパスワードを変更するか、店舗へご相談ください。メール内のリンクからの入力をお願いすることはありません。",
        ],
        "resona-bank.example.com",
    ),
    (
        "PayPay銀行 <info@paypay-bank.co.jp>",
        "定期預金満期のお知らせ",
        [
            "お預け入れの定期預金（1年もの）が7月20日に満期を迎えます。",
            "自動継続のお手続きをいただいているため、お客様の操作は必要ありません。",
        ],
        "paypay-bank.co.jp",
    ),
    (
        "ETC利用照会サービス <info@etc-meisai.jp>",
        "ETC利用照会サービス 利用明細のお知らせ",
        [
            "ご登録のETCカードについて、先月分の利用明細を作成しました。",
            "利用回数：6回　通行料金合計：8,430円",
            "明細は利用照会サービスにログインしてご覧ください。",
        ],
        "etc-meisai.jp",
    ),
    (
        "えきねっと <info@eki-net.com>",
        "【えきねっと】予約内容のお知らせ",
        [
            "きっぷの予約を受け付けました。",
            "6月21日　東京 9:36発 → 仙台 11:07着　はやぶさ17号　普通車指定席 1名",
            "お受け取りは指定席券売機で、予約に使用したクレジットカードが必要です。",
        ],
        "eki-net.com",
    ),
    (
        "東京電力エナジーパートナー <info@tepco.co.jp>",
        "【くらしTEPCO】6月分の電気料金のお知らせ",
        [
            "6月分の電気料金が確定しました。ご請求金額：7,812円（使用量 286kWh）",
            "お支払いはご登録のクレジットカードにて承ります。",
            "前年同月と比べて使用量は4%減りました。",
        ],
        "tepco.co.jp",
    ),
    (
        "au <info@au.com>",
        "【au】ご請求金額確定のお知らせ",
        [
            "いつもauをご利用いただきありがとうございます。5月分のご請求金額が確定しました。",
            "ご請求額：6,380円　お支払い予定日：6月26日",
            "内訳は My au の「料金」からご確認いただけます。",
        ],
        "au.com",
    ),
    (
        "NTTドコモ <info@docomo.ne.jp>",
        "dポイント獲得のお知らせ",
        [
            "6月のご利用で dポイント 124ポイントを獲得しました。",
            "期間・用途限定ポイントの有効期限は7月31日です。",
        ],
        "docomo.ne.jp",
    ),
    (
        "メルカリ <no-reply@mercari.jp>",
        "商品が購入されました",
        [
            "出品した「文庫本セット 10冊」が購入されました。",
            "購入者の支払いが完了しています。商品の発送をお願いします。発送期限は3日以内です。",
        ],
        "mercari.jp",
    ),
    (
        "PayPay <no-reply@paypay.ne.jp>",
        "PayPayポイント付与のお知らせ",
        [
            "キャンペーンの特典として、PayPayポイント 350ポイントを付与しました。",
            "ポイントは次回のお支払いからご利用いただけます。",
        ],
        "paypay.ne.jp",
    ),
    (
        "e-Tax <info@e-tax.nta.go.jp>",
        "メッセージボックスに受信通知が格納されました",
        [
            "申告等データの受信通知をメッセージボックスに格納しました。",
            "内容は e-Tax にログインしてご確認ください。このメールには個人情報や金額は記載していません。",
        ],
        "e-tax.nta.go.jp",
    ),
    (
        "佐川急便 <info@sagawa-exp.co.jp>",
        "お届け予定のお知らせ",
        [
            "下記のお荷物をお届けする予定です。",
            "お問い合せ送り状No.：3620-4481-2205　お届け予定日：5月20日　時間帯：18時〜21時",
            "日時の変更はスマートクラブからお手続きいただけます。",
        ],
        "sagawa-exp.co.jp",
    ),
    (
        "日本郵便 <info@post.japanpost.jp>",
        "ゆうパック配達完了のお知らせ",
        [
            "お問い合わせ番号 1852-3349-0071 のゆうパックの配達が完了しました。",
            "ご利用ありがとうございました。",
        ],
        "post.japanpost.jp",
    ),
    (
        "ヤマト運輸 <info@kuronekoyamato.co.jp>",
        "お荷物お届けのお知らせ",
        [
            "ご依頼主：北の菓子工房 様からのお荷物を、明日お届けします。",
            "伝票番号：4489-2217-5530　お届け予定：午前中",
            "受け取り日時の変更は、クロネコメンバーズから無料で行えます。",
        ],
        "kuronekoyamato.co.jp",
    ),
    (
        "Coincheck <info@coincheck.com>",
        "【Coincheck】ご入金確認のお知らせ",
        [
            "ご登録口座への日本円のご入金を確認しました。入金額：50,000円",
            "反映までに時間がかかる場合がございます。",
        ],
        "coincheck.com",
    ),
    (
        "Apple <no_reply@apple.com>",
        "Apple からの領収書です",
        [
            "ご購入ありがとうございます。iCloud+ 50GB（月額）130円",
            "Apple ID に登録されたお支払い方法に請求されます。サブスクリプションは設定からいつでも管理できます。",
        ],
        "apple.com",
    ),
    (
        "NHK <info@nhk-cs.jp>",
        "受信料のお支払い方法変更手続き完了のお知らせ",
        [
            "ご依頼いただいたお支払い方法の変更手続きが完了しました。",
            "次回のお支払いから、クレジットカード継続払いとなります。",
        ],
        "nhk-cs.jp",
    ),
    (
        "ひかり市役所 <info@hikari-city.example.com>",
        "【ひかり市】子育て支援講座のご案内",
        [
            "市民センターで、乳幼児の保護者向け講座を開催します。",
            "日時：7月12日（土）10時〜11時半　参加費：無料　定員：20組",
            "申し込みは市のウェブサイトの申込フォームから受け付けています。",
        ],
        "hikari-city.example.com",
    ),
    (
        "山の上小学校 PTA <pta@yamanoue-es.example.com>",
        "運動会の持ち物と駐車場について",
        [
            "運動会は予定どおり10月5日に行います。",
            "水筒、帽子、敷物をご持参ください。駐車場はありませんので、徒歩でお越しください。",
        ],
        "yamanoue-es.example.com",
    ),
    (
        "さくら歯科クリニック <yoyaku@sakura-dental.example.com>",
        "ご予約日前日のお知らせ",
        [
            "明日 6月11日（水）14:30 にご予約をいただいております。",
            "ご都合が悪くなった場合は、お電話で予約の変更をお願いいたします。",
        ],
        "sakura-dental.example.com",
    ),
    (
        "ホテル港の灯 <reserve@hotel-minato.example.com>",
        "ご予約確認（チェックイン 8月9日）",
        [
            "この度はホテル港の灯をご予約いただきありがとうございます。",
            "ご宿泊日：8月9日より1泊　お部屋：ツイン禁煙　ご人数：2名　料金：28,600円（現地払い）",
            "チェックインは15時から、チェックアウトは11時です。",
        ],
        "hotel-minato.example.com",
    ),
    (
        "空の旅航空 <eticket@soranotabi-air.example.com>",
        "eチケットお客様控え",
        [
            "ご搭乗便：SR 215　羽田 7:50 → 福岡 9:45　9月3日",
            "予約番号：K7Q2P9　座席：23A",
            "保安検査場は出発時刻の20分前までにご通過ください。",
        ],
        "soranotabi-air.example.com",
    ),
    (
        "シネマ川辺 <ticket@cinema-kawabe.example.com>",
        "ご購入チケットのご案内",
        [
            "ご購入ありがとうございます。上映日時：6月14日 18:20　スクリーン3　座席 F-12",
            "入場時に、このメールの購入番号を券売機に入力してください。",
        ],
        "cinema-kawabe.example.com",
    ),
    (
        "クラウド会計ミライ <billing@mirai-kaikei.example.com>",
        "【クラウド会計ミライ】請求書発行のお知らせ",
        [
            "6月分のご利用料金の請求書を発行しました。請求金額：3,278円（税込）",
            "請求書は管理画面の「契約・請求」からPDFでダウンロードできます。",
        ],
        "mirai-kaikei.example.com",
    ),
    (
        "クラウド会計ミライ <security@mirai-kaikei.example.com>",
        "新しい端末からのログインがありました",
        [
            "お使いのアカウントに、新しい端末からログインがありました。",
            "日時：5月30日 21:03　ブラウザ：Chrome（Windows）　場所：大阪府",
            "ご本人の操作であれば、このメールは破棄してください。心当たりがない場合は、ログイン後の設定画面からパスワードを変更してください。",
        ],
        "mirai-kaikei.example.com",
    ),
    (
        "本のひろば <mag@hon-hiroba.example.com>",
        "【本のひろば通信】夏に読みたい文庫20選",
        [
            "今週号では、書店員が選んだ夏の文庫20冊をご紹介します。",
            "作家インタビューは、新作の長編を書き上げたばかりの方にお話を伺いました。",
            "来月の読書会の申し込みも始まっています。",
        ],
        "hon-hiroba.example.com",
    ),
    (
        "ほっと珈琲店 <news@hot-coffee.example.com>",
        "秋のブレンドと焼き菓子のご案内",
        [
            "9月から秋限定のブレンドを販売します。深煎りで、ほのかに甘い香りが特長です。",
            "同じ時期に、栗を使った焼き菓子も店頭に並びます。",
            "オンラインショップは10,000円以上のご注文で送料無料です。",
        ],
        "hot-coffee.example.com",
    ),
    (
        "みなと生活協同組合 <info@minato-coop.example.com>",
        "今週のおすすめと注文締め切りのお知らせ",
        [
            "今週の注文締め切りは木曜日の正午です。",
            "おすすめは産地直送のとうもろこしと、国産大豆の豆腐です。",
        ],
        "minato-coop.example.com",
    ),
    (
        "技術書フェア事務局 <info@gijutsu-fair.example.com>",
        "出展者説明会の資料を公開しました",
        [
            "11月の技術書フェアにお申し込みいただいた皆様へ、出展者説明会の資料を公開しました。",
            "搬入時間と机の配置図をご確認のうえ、10月20日までに頒布物の情報をご登録ください。",
        ],
        "gijutsu-fair.example.com",
    ),
    (
        "佐藤 美咲 <misaki.sato@mail.example.com>",
        "土曜日の件",
        [
            "先日はありがとう。土曜日は11時に駅の改札で待ち合わせでどうかな。",
            "お昼は前に話していたパン屋さんに行ってみたいです。",
        ],
        "mail.example.com",
    ),
    (
        "高橋 健 <ken.takahashi@corp.example.com>",
        "見積書送付の件",
        [
            "お世話になっております。先日ご相談いただいた件の見積書を添付いたします。",
            "ご不明な点がございましたら、お気軽にお問い合わせください。",
        ],
        "corp.example.com",
    ),
]

# --- Japanese: the phishing and scams that imitate them --------------------------------------

JA_PHISH_SPAM = [
    (
        "Amazon.co.jp <account-update@amazon-jp-support.example.com>",
        "Amazon.co.jp アカウントの一時停止について",
        [
            "第三者によるサインインの試みを確認したため、安全のためご注文と配送をすべて保留にしました。",
            "保留を解除するには、24時間以内に下記からサインインして、ご登録の氏名、住所、カード情報を確認してください。期限を過ぎるとアカウントは削除されます。",
            "今すぐ確認する",
        ],
        "amazon-jp-support.example.com",
    ),
    (
        "Amazon <no-reply@amazon-billing-jp.example.com>",
        "【重要】お支払い方法の情報を更新してください",
        [
            "Amazonプライムの会費のお支払いに問題が発生しました。ご登録のクレジットカードが承認されませんでした。",
            "お支払い情報を更新していただけない場合、プライム特典のご利用を停止させていただきます。",
            "今すぐお支払い方法を更新してください。",
        ],
        "amazon-billing-jp.example.com",
    ),
    (
        "Amazon.co.jp <order@amazon-jp-cancel.example.com>",
        "ご注文の確認 #402-1183325-5590291",
        [
            "下記のご注文を受け付けました。ゲーム機本体 2台　合計 ￥98,760",
            "このご注文にお心当たりがない場合は、24時間以内に下記からキャンセル手続きを行ってください。手続きにはアカウント情報とカード情報の確認が必要です。",
        ],
        "amazon-jp-cancel.example.com",
    ),
    (
        "三井住友カード <vpass@smbc-card-kakunin.example.com>",
        "＜重要＞【三井住友カード】ご利用確認のお願い",
        [
            "三井住友カード会員様へ。お客様のカードに、普段と異なるご利用の傾向が見られました。",
            "安全のため一部のお取引を保留しています。ご本人様のご利用であるかを確かめるため、下記ページでカード番号、有効期限、暗証番号をご入力ください。",
            "ご入力がない場合、カードは順次ご利用いただけなくなります。",
        ],
        "smbc-card-kakunin.example.com",
    ),
    (
        "三井住友銀行 <info@smbc-security.example.com>",
        "【三井住友銀行】お客さま情報等の確認について",
        [
            "当行では、マネー・ローンダリング対策のため、お客さま情報や取引目的の確認をお願いしております。",
            "期限までにご回答いただけない場合、口座のお取引を制限させていただきます。",
            "下記のリンクから、ログインIDとパスワード、暗証番号を入力してご回答ください。",
        ],
        "smbc-security.example.com",
    ),
    (
        "JCB <info@jcb-kakunin.example.com>",
        "【JCB】カードご利用一時停止のお知らせ",
        [
            "お客様のカードに第三者による不正利用の可能性があるため、ご利用を一時停止いたしました。",
            "本人確認が完了するまで、カードはご利用いただけません。",
            "MyJCB にログインし、カード番号、有効期限、セキュリティコードをご入力のうえ、本人認証を行ってください。",
        ],
        "jcb-kakunin.example.com",
    ),
    (
        "楽天カード <info@rakuten-card-secure.example.com>",
        "【楽天カード】本人認証サービスの登録情報確認",
        [
            "本人認証サービス（3Dセキュア）のシステム更新に伴い、登録情報の再確認をお願いしております。",
            "7日以内に手続きがない場合、オンラインでのカード利用ができなくなります。",
            "以下のURLより、カード番号と暗証番号を入力して更新を完了してください。",
        ],
        "rakuten-card-secure.example.com",
    ),
    (
        "楽天市場 <info@rakuten-account-jp.example.com>",
        "【楽天】アカウント情報の確認",
        [
            "楽天会員様のアカウントに不正なログインの試みがありました。",
            "セキュリティ保護のため、アカウントを一時的にロックしております。",
            "ロックを解除するには、下記リンクよりログインし、会員情報とクレジットカード情報をご確認ください。",
        ],
        "rakuten-account-jp.example.com",
    ),
    (
        "エポスカード <info@epos-net-kakunin.example.com>",
        "【エポスカード】利用制限のお知らせ",
        [
            "エポスカードをご利用いただきありがとうございます。",
            "お客様のカードで不審な取引が確認されたため、利用を制限しております。",
            "下記より速やかにお手続きください。48時間以内にご対応がない場合、カードは失効となります。",
        ],
        "epos-net-kakunin.example.com",
    ),
    (
        "イオンカード <info@aeon-kakunin.example.com>",
        "【緊急】イオンカードご利用確認",
        [
            "【イオンカード】ご利用確認のお願い。不正利用の疑いがあるお取引を検知しました。",
            "カードの安全のため、ただちにログインして、ご利用内容と登録情報をご確認ください。",
            "ご確認いただけない場合は、カードのご利用を停止させていただきます。",
        ],
        "aeon-kakunin.example.com",
    ),
    (
        "三菱UFJ銀行 <support@mufg-torihiki.example.com>",
        "【三菱UFJ銀行】取引目的等のご確認のお願い",
        [
            "犯罪収益移転防止法に基づき、お客様の取引目的等を確認させていただいております。",
            "ご回答の期限を過ぎた場合、ATMやインターネットバンキングでのお取引を一部制限いたします。",
            "お手数ですが、以下のページから口座番号、暗証番号、ワンタイムパスワードを入力し、ご回答ください。",
        ],
        "mufg-torihiki.example.com",
    ),
    (
        "りそな銀行 <info@resona-kakunin.example.com>",
        "【りそな銀行】お客様情報の確認について",
        [
            "りそな銀行では、お客様の口座を安全にご利用いただくため、定期的にお客様情報の確認を行っております。",
            "本メール受信後、3日以内に下記URLからご確認をお願いいたします。期限までにご確認いただけない場合、口座が凍結される場合がございます。",
        ],
        "resona-kakunin.example.com",
    ),
    (
        "ゆうちょ銀行 <info@jp-bank-teishi.example.com>",
        "【ゆうちょ銀行】口座の一時利用停止のお知らせ",
        [
            "お客様の口座で不正な取引が発生した可能性があるため、一時的にご利用を停止しております。",
            "ゆうちょダイレクトにログインし、本人確認の手続きを行っていただくことで、利用停止を解除できます。",
            "ログインIDとパスワード、合言葉をお手元にご用意ください。",
        ],
        "jp-bank-teishi.example.com",
    ),
    (
        "PayPay銀行 <info@paypay-bank-security.example.com>",
        "セキュリティ強化のためのお客様情報更新",
        [
            "当行ではセキュリティ強化のため、全てのお客様にログイン情報の更新をお願いしております。",
            "本日中に更新されない場合、口座の機能が制限されます。下記のボタンからお手続きください。",
        ],
        "paypay-bank-security.example.com",
    ),
    (
        "ETC利用照会サービス <info@etc-meisai-kaiyaku.example.com>",
        "【重要】ETC利用照会サービス 解約予告のお知らせ",
        [
            "ETC利用照会サービスをご利用いただきありがとうございます。",
            "お客様のアカウントは長期間ログインが確認できないため、規約に基づき解約の手続きを予定しております。",
            "継続してご利用の場合は、下記のリンクから本日中にログインし、カード情報を再登録してください。",
        ],
        "etc-meisai-kaiyaku.example.com",
    ),
    (
        "高速道路ETCサービス <info@etc-mino.example.com>",
        "【重要】ETC未納料金のお支払いについて",
        [
            "お客様のETC利用において、未納の通行料金が確認されました。未納額：3,270円",
            "期限までにお支払いがない場合、延滞金が加算され、法的手続きに移行いたします。",
            "以下のリンクからクレジットカードで今すぐお支払いください。",
        ],
        "etc-mino.example.com",
    ),
    (
        "えきねっと <info@eki-net-taikai.example.com>",
        "えきねっと 自動退会のお知らせ",
        [
            "えきねっとをご利用いただきありがとうございます。",
            "お客様のアカウントは、会員規約に基づき、本日をもって自動退会の対象となりました。",
            "退会を取り消す場合は、24時間以内に下記からログインし、会員情報とお支払い情報をご確認ください。",
        ],
        "eki-net-taikai.example.com",
    ),
    (
        "東京電力エナジーパートナー <info@tepco-mibarai.example.com>",
        "【東京電力】電気料金未払いによる送電停止のお知らせ",
        [
            "お客様の電気料金について、お支払いが確認できておりません。",
            "本日中にお支払いいただけない場合、明日以降、送電を停止させていただきます。",
            "以下のページから、クレジットカードでのお支払い手続きをお願いいたします。",
        ],
        "tepco-mibarai.example.com",
    ),
    (
        "東京電力エナジーパートナー <info@tepco-henkin.example.com>",
        "【くらしTEPCO】電気料金の過払い金返金のお知らせ",
        [
            "システムの不具合により、お客様の電気料金が過剰に請求されていたことが判明しました。",
            "返金額：12,450円。返金の受け取りには、下記のフォームから口座情報とカード情報のご登録が必要です。",
            "受付期限は3日間です。",
        ],
        "tepco-henkin.example.com",
    ),
    (
        "au <info@au-ryokin-kakunin.example.com>",
        "【au】ご利用料金のお支払いが確認できません",
        [
            "ご利用料金のお支払いが確認できないため、まもなくご利用を停止いたします。",
            "停止を避けるには、下記のリンクからクレジットカード情報を入力し、本日中にお支払いください。",
        ],
        "au-ryokin-kakunin.example.com",
    ),
    (
        "NTTドコモ <info@docomo-point-shikkou.example.com>",
        "【重要】dポイント失効のお知らせ",
        [
            "お客様の保有するdポイント 12,800ポイントが本日失効します。",
            "失効を防ぐには、今すぐ下記リンクからdアカウントにログインし、ポイントを交換してください。",
        ],
        "docomo-point-shikkou.example.com",
    ),
    (
        "メルカリ <no-reply@mercari-kakunin.example.com>",
        "【メルカリ】本人確認のお願い",
        [
            "お客様のアカウントで、通常と異なるログインが確認されました。",
            "安全のため、売上金の引き出しとお取引を一時的に制限しています。",
            "下記から本人確認を行い、登録情報と口座情報を更新してください。",
        ],
        "mercari-kakunin.example.com",
    ),
    (
        "PayPay <support@paypay-security-jp.example.com>",
        "【PayPay】不正アクセスの可能性について",
        [
            "お客様のPayPayアカウントに不正アクセスの可能性があります。",
            "残高を保護するため、以下のURLから電話番号、パスワード、認証コードを入力し、アカウントを保護してください。",
            "手続きがない場合、残高が凍結されます。",
        ],
        "paypay-security-jp.example.com",
    ),
    (
        "国税庁 <info@nta-tokusoku.example.com>",
        "【国税庁】未納税金のお支払いについて（最終通知）",
        [
            "あなたの所得税に未納があります。納付期限を過ぎているため、本メールを最終通知とします。",
            "期限までに納付が確認できない場合、財産の差し押さえを執行します。",
            "下記のリンクから、電子マネーまたはクレジットカードで直ちに納付してください。",
        ],
        "nta-tokusoku.example.com",
    ),
    (
        "佐川急便 <info@sagawa-fuzai.example.com>",
        "お荷物のお届けについて（不在通知）",
        [
            "お客様宛にお荷物のお届けにあがりましたが、不在のため持ち帰りました。",
            "再配達のご依頼は、下記のURLからお願いいたします。保管期限を過ぎると返送されます。",
        ],
        "sagawa-fuzai.example.com",
    ),
    (
        "日本郵便 <info@japanpost-redelivery.example.com>",
        "【日本郵便】お荷物の配送に関するお知らせ",
        [
            "ご住所に不備があるため、お荷物を配達できませんでした。",
            "再配達には住所の確認と手数料 330円のお支払いが必要です。下記から48時間以内にお手続きください。",
        ],
        "japanpost-redelivery.example.com",
    ),
    (
        "ヤマト運輸 <info@kuroneko-haisou.example.com>",
        "お荷物お届けのお知らせ（保管期限間近）",
        [
            "お荷物の保管期限が迫っています。受け取りの手続きが確認できない場合、お荷物は破棄されます。",
            "下記のリンクから受け取り方法を選択し、配送料をお支払いください。",
        ],
        "kuroneko-haisou.example.com",
    ),
    (
        "Coincheck <security@coincheck-login-jp.example.com>",
        "【Coincheck】ログイン確認のお願い",
        [
            "新しい端末からお客様のアカウントへのログインがありました。",
            "ご本人でない場合は、資産を守るため、直ちに下記のリンクからログインし、二段階認証を再設定してください。",
        ],
        "coincheck-login-jp.example.com",
    ),
    (
        "Apple <no_reply@apple-id-lock.example.com>",
        "Apple ID がロックされました",
        [
            "お客様の Apple ID はセキュリティ上の理由によりロックされています。",
            "ロックを解除するには、下記のリンクからサインインし、お支払い情報を確認してください。",
            "24時間以内に確認がない場合、Apple ID は永久に無効になります。",
        ],
        "apple-id-lock.example.com",
    ),
    (
        "マイナポイント事務局 <info@mynapoint-shinsei.example.com>",
        "【マイナポイント】申請期限のお知らせ",
        [
            "マイナポイントの申請期限が迫っています。今すぐ申請すると最大20,000円分のポイントがもらえます。",
            "申請にはマイナンバーカードの暗証番号とクレジットカード情報の入力が必要です。",
        ],
        "mynapoint-shinsei.example.com",
    ),
    (
        "NHK受信料センター <info@nhk-mibarai.example.com>",
        "【NHK】受信料未払いに関する重要なお知らせ",
        [
            "受信料のお支払いが確認できておりません。このまま未払いが続く場合、法的措置を取らせていただきます。",
            "下記のリンクから本日中にお支払い手続きをお願いいたします。",
        ],
        "nhk-mibarai.example.com",
    ),
    (
        "法務省 民事管理センター <info@minji-kanri.example.com>",
        "【最終通告】訴訟最終告知のお知らせ",
        [
            "ご利用の有料サイトの利用料金が未払いとなっており、運営会社から訴状が提出されました。",
            "本日中にご連絡いただけない場合、給与や財産の差し押さえが執行されます。",
            "取り下げのご相談は下記の窓口まで至急お電話ください。",
        ],
        "minji-kanri.example.com",
    ),
    (
        "国際遺産管理事務所 <office@isan-kanri.example.com>",
        "遺産受け取りの件でご連絡いたします",
        [
            "海外で亡くなられた資産家の遺言により、あなたが遺産 4億5千万円の受取人に指定されました。",
            "受け取りには、本人確認書類のご提出と手数料 98,000円のお振り込みが必要です。",
            "この件はご内密にお願いいたします。",
        ],
        "isan-kanri.example.com",
    ),
    (
        "当選通知センター <info@tousen-tsuchi.example.com>",
        "【当選】iPhone が当たりました",
        [
            "おめでとうございます。毎月のお客様感謝キャンペーンで、あなたが当選者に選ばれました。",
            "賞品の発送には、送料 550円のお支払いとお届け先の入力が必要です。本日23時59分までにお手続きください。",
        ],
        "tousen-tsuchi.example.com",
    ),
    (
        "資産運用サポート <support@shisan-unyou-line.example.com>",
        "【限定】AIで毎日3万円の不労所得",
        [
            "プロが開発したAI投資ツールで、毎日3万円の利益が自動で入ってきます。",
            "元本保証、初心者でも安心です。詳しくはLINEで友だち追加してください。",
            "先着30名様限定の特別価格は今夜で終了します。",
        ],
        "shisan-unyou-line.example.com",
    ),
    (
        "ゆか <yuka@deai-message.example.com>",
        "はじめまして、メッセージ見てもらえますか",
        [
            "突然のメールごめんなさい。プロフィールを見て、どうしても連絡したくなりました。",
            "続きは下記のサイトでお話ししたいです。登録は無料なので待ってますね。",
        ],
        "deai-message.example.com",
    ),
    (
        "総務省 給付金担当 <info@kyufukin-shinsei.example.com>",
        "【総務省】特別給付金のお知らせ",
        [
            "物価高騰対策として、1世帯あたり10万円の特別給付金を支給します。",
            "受け取りには、下記の申請フォームから氏名、住所、口座番号、暗証番号をご入力ください。申請期限は本日までです。",
        ],
        "kyufukin-shinsei.example.com",
    ),
    (
        "Microsoft <account-security@microsoft-jp-alert.example.com>",
        "【Microsoft】アカウントのパスワードの有効期限が切れます",
        [
            "お使いの Microsoft 365 アカウントのパスワードは本日で有効期限が切れます。",
            "同じパスワードを引き続き使用するには、以下のボタンから現在のパスワードを確認してください。",
            "確認しない場合、メールの送受信ができなくなります。",
        ],
        "microsoft-jp-alert.example.com",
    ),
    (
        "メールサーバー管理者 <admin@mailbox-storage.example.com>",
        "メールボックスの容量が上限に達しました",
        [
            "お客様のメールボックスの容量が99%に達しました。新しいメールを受信できなくなります。",
            "下記のリンクからログインして、容量の追加を無料で申請してください。",
        ],
        "mailbox-storage.example.com",
    ),
]

# --- English: real notices -----------------------------------------------------------------

EN_NOTICE_HAM = [
    (
        "PayPal <service@paypal.com>",
        "Receipt for your payment to Fernhill Garden Centre",
        [
            "You sent a payment of $42.80 USD to Fernhill Garden Centre.",
            "Transaction ID: 8RT51734KW2290815. It may take a few moments for this transaction to appear in your account.",
            "Questions about the order? Contact the seller directly; their details are in the activity page of the PayPal app.",
        ],
        "paypal.com",
    ),
    (
        "Netflix <info@netflix.com>",
        "A new device is using your account",
        [
            "Someone signed in to your account from a new device: TV (Living room), Toronto, Canada.",
            "If this was you or someone in your household, enjoy watching.",
            "If it wasn't, go to Account in the app or on the website and choose Sign out of all devices, then change your password.",
        ],
        "netflix.com",
    ),
    (
        "USPS Informed Delivery <usps@usps.com>",
        "Your Daily Digest for Tue, 3/18",
        [
            "You have 2 mailpieces and 1 package arriving soon.",
            "Package: expected delivery by 8:00pm. Tracking number 9400 1112 0620 5823 4417 80.",
            "Manage your notifications in your USPS.com account settings.",
        ],
        "usps.com",
    ),
    (
        "DHL Express <noreply@dhl.com>",
        "Your DHL shipment is on its way",
        [
            "Shipment 1234567890 from Kestrel Outdoor is on its way.",
            "Estimated delivery: Friday, 10:30 - 14:30. Duties and taxes were prepaid by the sender.",
            "Change the delivery day or leave the parcel with a neighbour in On Demand Delivery.",
        ],
        "dhl.com",
    ),
    (
        "Apple <no_reply@apple.com>",
        "Your receipt from Apple",
        [
            "Order ID MN7QX2L9T. iCloud+ with 200 GB (Monthly) $2.99.",
            "Billed to the card on file. You can view or cancel your subscriptions in Settings at any time.",
        ],
        "apple.com",
    ),
    (
        "Microsoft account team <account-security-noreply@microsoft.com>",
        "Microsoft account security code",
        [
            "Please use the following security code for the Microsoft account ja**@mail.example.com.",
            "Security code: 482913",
            "If you didn't request this code, you can safely ignore this email. Someone else might have typed your email address by mistake.",
        ],
        "microsoft.com",
    ),
    (
        "Microsoft 365 <billing@microsoft.com>",
        "Your Microsoft 365 Family subscription has renewed",
        [
            "Thanks for being a subscriber. Your subscription renewed on May 2 for $99.99 a year.",
            "You can review your billing and turn off recurring billing on your Microsoft account page.",
        ],
        "microsoft.com",
    ),
    (
        "DocuSign <dse@docusign.net>",
        "Completed: Lease renewal for 14 Harbour Street",
        [
            "All parties have completed the envelope Lease renewal for 14 Harbour Street.",
            "The signed document is attached to this email and stored in your DocuSign account.",
        ],
        "docusign.net",
    ),
    (
        "Chase <no.reply.alerts@chase.com>",
        "Your statement is ready",
        [
            "Your credit card statement for the account ending in 4417 is ready.",
            "Statement balance: $1,284.55. Minimum payment due Jun 22: $35.00.",
            "Sign in to the Chase app or chase.com directly to see it. We will never ask for your password by email.",
        ],
        "chase.com",
    ),
    (
        "Wells Fargo Online <alerts@wellsfargo.com>",
        "Direct deposit received",
        [
            "A direct deposit of $2,418.07 was posted to your checking account ending in 2290 on May 30.",
            "You set up this alert in your online banking settings. To change alerts, sign in and go to Manage Alerts.",
        ],
        "wellsfargo.com",
    ),
    (
        "Coinbase <no-reply@coinbase.com>",
        "You bought 0.0125 ETH",
        [
            "Your purchase of 0.0125 ETH for $42.10 is complete.",
            "The funds are available in your Coinbase account. Purchase history is under Transactions.",
        ],
        "coinbase.com",
    ),
    (
        "E-ZPass <customerservice@ezpass-statements.example.com>",
        "Your E-ZPass statement is available",
        [
            "Your monthly statement for account 40019283 is available online.",
            "Tolls this period: $38.60. Your balance is replenished automatically from the card on file.",
        ],
        "ezpass-statements.example.com",
    ),
    (
        "Geek Squad <appointments@geeksquad.com>",
        "Your in-home appointment is confirmed",
        [
            "Your appointment to set up a home network is confirmed for Saturday, June 7, between 9 am and 11 am.",
            "The agent will call 30 minutes before arriving. Reschedule in your Best Buy account if the time no longer works.",
        ],
        "geeksquad.com",
    ),
    (
        "Norton <billing@norton.com>",
        "Your subscription renews in 30 days",
        [
            "Your Norton 360 Standard subscription renews automatically on July 14 for $94.99 plus tax.",
            "To change the payment method or turn off automatic renewal, sign in to your account at any time before then.",
        ],
        "norton.com",
    ),
    (
        "Amazon.com <shipment-tracking@amazon.com>",
        "Your Amazon.com order has shipped",
        [
            "Your package with Wireless charging pad is on the way. Arriving Thursday.",
            "Order #113-4471125-2290843. Track your package in Your Orders.",
        ],
        "amazon.com",
    ),
    (
        "Google <no-reply@google.com>",
        "Security alert: new sign-in on Pixel 8",
        [
            "We noticed a new sign-in to your Google Account on a Pixel 8 device.",
            "If this was you, you don't need to do anything. If not, we'll help you secure your account from the Security Checkup in your account settings.",
        ],
        "google.com",
    ),
    (
        "Google One <googleone-noreply@google.com>",
        "You've used 80% of your storage",
        [
            "Your account is using 12 GB of its 15 GB. Photos and attachments take most of the space.",
            "You can free up space with the storage manager, or choose a larger plan if you need one.",
        ],
        "google.com",
    ),
    (
        "Northbridge HR <hr@northbridge.example.com>",
        "Open enrollment starts November 3",
        [
            "Open enrollment for next year's health, dental and vision plans runs from November 3 to 17.",
            "Review the plan guide on the intranet and make your choices in the benefits portal. If you change nothing, your current plans continue.",
            "Benefits drop-in hours are Tuesdays 12-1 pm in Room 4B.",
        ],
        "northbridge.example.com",
    ),
    (
        "SharePoint Online <no-reply@sharepoint.com>",
        'Dana Whitfield shared "Q3 budget draft" with you',
        [
            "Dana Whitfield shared a file with you: Q3 budget draft.xlsx.",
            "\"Here's the draft for Thursday's review, comments welcome.\"",
            "This link only works for the direct recipients of this message.",
        ],
        "sharepoint.com",
    ),
    (
        "Lumen Analytics <receipts@lumen.example.com>",
        "Receipt #2025-0611 for Team plan",
        [
            "Thanks for your payment of $120.00 for the Team plan (10 seats), June 11 - July 10.",
            "Download the PDF invoice from Billing in your workspace settings.",
        ],
        "lumen.example.com",
    ),
    (
        "Harbour Credit Union <alerts@harbourcu.example.com>",
        "Scheduled maintenance on Sunday night",
        [
            "Online and mobile banking will be unavailable on Sunday from 1 am to 4 am ET while we upgrade our systems.",
            "Debit cards and ATMs will keep working. Thank you for your patience.",
        ],
        "harbourcu.example.com",
    ),
    (
        "Vale Water Utility <billing@valewater.example.com>",
        "Your water bill is ready",
        [
            "Your bill for the period April 1 - June 30 is ready: $86.42, due July 21.",
            "If you're enrolled in autopay, no action is needed; the payment will be drawn on the due date.",
        ],
        "valewater.example.com",
    ),
    (
        "Greenleaf Market <news@greenleaf.example.com>",
        "This week: stone fruit is back, and a new bakery",
        [
            "Peaches and apricots from the valley orchards are in stores from Thursday.",
            "Our new in-store bakery opens in Maple Grove on Saturday with free coffee tastings all morning.",
            "Members save 10% on bulk grains all week.",
        ],
        "greenleaf.example.com",
    ),
    (
        "The Weekly Ledger <editors@weeklyledger.example.com>",
        "Five stories to read this weekend",
        [
            "This week: how small towns are rebuilding their main streets, a profile of a night-shift nurse, and the best new podcasts.",
            "Plus our editors' picks for summer reading.",
        ],
        "weeklyledger.example.com",
    ),
    (
        "Riverbend Animal Shelter <hello@riverbendshelter.example.com>",
        "Thank you for your gift - your tax receipt",
        [
            "Thank you for your donation of $50.00 on May 14. Your support paid for a week of care for two rescued dogs.",
            "This email is your receipt for tax purposes. Riverbend Animal Shelter is a registered charity.",
        ],
        "riverbendshelter.example.com",
    ),
    (
        "Sam Ortiz <sam.ortiz@mail.example.com>",
        "Photos from Sunday",
        [
            "Hey, here are the photos from the hike. The one at the lake came out really well.",
            "Let me know if you want to do the north trail next month.",
        ],
        "mail.example.com",
    ),
    (
        "Priya Nair <priya@studio.example.com>",
        "Re: logo revisions",
        [
            "Thanks for the notes. I've tightened the spacing and tried the darker green you suggested.",
            "Two versions attached; happy to jump on a call tomorrow afternoon.",
        ],
        "studio.example.com",
    ),
]

# --- English: the phishing that imitates them ----------------------------------------------

EN_PHISH_SPAM = [
    (
        "PayPal <service@paypal-resolution.example.com>",
        "Your account access has been limited",
        [
            "We noticed unusual activity in your PayPal account and have temporarily limited what you can do with it.",
            "To restore full access, confirm your identity and update your card details within 24 hours. Accounts not confirmed will be permanently closed.",
            "Resolve now",
        ],
        "paypal-resolution.example.com",
    ),
    (
        "Netflix <billing@netflix-payment-update.example.com>",
        "Your membership is on hold",
        [
            "We were unable to process your payment for the next billing cycle, so your membership has been placed on hold.",
            "Update your payment details within 48 hours to keep watching. After that your account will be cancelled.",
        ],
        "netflix-payment-update.example.com",
    ),
    (
        "USPS <tracking@usps-redelivery-fee.example.com>",
        "Your package could not be delivered",
        [
            "Your package arrived at the warehouse but could not be delivered because the address is incomplete.",
            "Please confirm your address and pay the $1.99 redelivery fee within 12 hours, or the package will be returned to the sender.",
        ],
        "usps-redelivery-fee.example.com",
    ),
    (
        "DHL Express <customs@dhl-customs-fee.example.com>",
        "Action required: customs fee unpaid for shipment 4471-2290",
        [
            "Your shipment is held at customs. An import fee of $3.45 must be paid before it can be released.",
            "Pay the fee online today by card. Unclaimed shipments are destroyed after 5 days.",
        ],
        "dhl-customs-fee.example.com",
    ),
    (
        "Apple Support <support@appleid-locked.example.com>",
        "Your Apple ID has been locked for security reasons",
        [
            "Your Apple ID was used to sign in on an unknown device, so we have locked it for your protection.",
            "To unlock it, verify your account information and payment method. If you do not verify within 24 hours your Apple ID will be disabled permanently.",
        ],
        "appleid-locked.example.com",
    ),
    (
        "Microsoft 365 <no-reply@m365-password-expiry.example.com>",
        "Password expiry notice for your mailbox",
        [
            "The password for your Microsoft 365 mailbox expires today.",
            "To keep your current password, confirm it on the secure portal below. Otherwise you will be signed out and incoming mail will be suspended.",
            "Keep current password",
        ],
        "m365-password-expiry.example.com",
    ),
    (
        "DocuSign <dse@docusign-secure-review.example.com>",
        "Please review: Payment Remittance Advice and Invoice",
        [
            "You have received a document to review and sign: Remittance_Advice_0918.pdf.",
            "Sign in with your email account credentials to view the document. The link expires in 24 hours.",
        ],
        "docusign-secure-review.example.com",
    ),
    (
        "Chase Online <alert@chase-verify-account.example.com>",
        "Important: suspicious transaction on your account",
        [
            "We detected a suspicious transaction of $849.00 on your debit card and have suspended the card.",
            "To reactivate it, verify your online banking username, password and card number on our secure page.",
            "Failure to verify within 24 hours will result in permanent suspension.",
        ],
        "chase-verify-account.example.com",
    ),
    (
        "Wells Fargo <security@wellsfargo-online-review.example.com>",
        "Your online access has been suspended",
        [
            "Due to several failed sign-in attempts, access to your online banking has been suspended.",
            "Restore access now by confirming your account details, Social Security number and PIN.",
        ],
        "wellsfargo-online-review.example.com",
    ),
    (
        "Coinbase <support@coinbase-wallet-verify.example.com>",
        "Unauthorized withdrawal attempt blocked",
        [
            "A withdrawal of 0.84 BTC to an unknown address was attempted from your account and blocked.",
            "Verify your wallet now by entering your recovery phrase so we can secure your funds. Unverified wallets will be frozen.",
        ],
        "coinbase-wallet-verify.example.com",
    ),
    (
        "IRS Refund Department <refunds@irs-tax-refund.example.com>",
        "You are eligible for a tax refund of $1,286.40",
        [
            "After the last annual calculation of your fiscal activity, you are eligible to receive a tax refund.",
            "Submit the refund form with your card details so the amount can be credited. Requests not submitted within 3 days will be cancelled.",
        ],
        "irs-tax-refund.example.com",
    ),
    (
        "E-ZPass Toll Services <notice@ezpass-unpaid-toll.example.com>",
        "Final notice: unpaid toll balance",
        [
            "Our records show an unpaid toll of $6.99 on your vehicle.",
            "Pay the balance today to avoid a $50 late fee and suspension of your vehicle registration.",
        ],
        "ezpass-unpaid-toll.example.com",
    ),
    (
        "Geek Squad Billing <billing@geeksquad-renewal-desk.example.com>",
        "Invoice #GS-88417: your plan renewed for $399.99",
        [
            "Thank you for renewing your Geek Squad Total Protection plan. $399.99 will be charged to your account today.",
            "If you did not authorize this renewal, call our refund desk immediately at the number below to cancel and get your money back.",
        ],
        "geeksquad-renewal-desk.example.com",
    ),
    (
        "Norton Security <alerts@norton-expired-protection.example.com>",
        "Your computer is at risk: subscription expired",
        [
            "Your Norton protection expired yesterday and your computer may already be infected with viruses.",
            "Renew today at 85% off. This offer is only available for the next 2 hours.",
        ],
        "norton-expired-protection.example.com",
    ),
    (
        "Amazon <account@amazon-order-verify.example.com>",
        "Your order #113-9921 has been placed on hold",
        [
            "We were unable to verify your billing information, and your recent order has been placed on hold.",
            "Confirm your payment details within 24 hours or the order will be cancelled and your account locked.",
        ],
        "amazon-order-verify.example.com",
    ),
    (
        "Voicemail Service <voicemail@phone-voicemail-portal.example.com>",
        "You have a new voice message (0:42)",
        [
            "You received a voice message from +1 (415) 55* ***.",
            "Sign in with your work email and password to listen to the message.",
        ],
        "phone-voicemail-portal.example.com",
    ),
    (
        "SharePoint <no-reply@sharepoint-doc-share.example.com>",
        "Payroll adjustment document shared with you",
        [
            "HR Department has shared a file with you: 2025_Payroll_Adjustment.pdf.",
            "Authenticate with your Microsoft credentials to open the document.",
        ],
        "sharepoint-doc-share.example.com",
    ),
    (
        "Payroll Department <payroll@hr-direct-deposit.example.com>",
        "Action required: confirm your direct deposit details",
        [
            "We are updating our payroll system. All employees must confirm their direct deposit details before Friday or their salary will be delayed.",
            "Log in with your company username and password to confirm your bank account.",
        ],
        "hr-direct-deposit.example.com",
    ),
    (
        "Michael Grant <ceo.office@executive-mail.example.com>",
        "Quick favour",
        [
            "Are you at your desk? I need you to buy some gift cards for a client appreciation event today.",
            "I'm in meetings all afternoon, so just scratch the codes and email me photos of them. I'll reimburse you.",
        ],
        "executive-mail.example.com",
    ),
    (
        "Crypto Rewards <promo@eth-double-giveaway.example.com>",
        "Official giveaway: send 0.1 ETH, receive 0.2 ETH back",
        [
            "To celebrate our anniversary we are giving away 5,000 ETH to our community.",
            "Send any amount between 0.1 and 20 ETH to the address below and receive double back instantly.",
        ],
        "eth-double-giveaway.example.com",
    ),
    (
        "Costco Rewards <survey@costco-member-reward.example.com>",
        "Congratulations! You have been selected",
        [
            "You have been chosen to receive a $100 reward card for completing our 30-second member survey.",
            "Only a small shipping fee of $4.95 applies. This offer expires today.",
        ],
        "costco-member-reward.example.com",
    ),
    (
        "Meta Business Support <appeals@meta-page-violation.example.com>",
        "Your page will be deleted in 24 hours",
        [
            "Your page has been reported for violating our community standards on intellectual property.",
            "If you believe this is a mistake, submit an appeal with your login details within 24 hours, or your page will be permanently removed.",
        ],
        "meta-page-violation.example.com",
    ),
    (
        "Google Storage <alert@cloud-storage-full.example.com>",
        "Your storage is full: your photos will be deleted",
        [
            "Your cloud storage is full. Your photos and videos will be deleted unless you act now.",
            "Upgrade today and get 50 GB free for life. Just enter your card to verify your account.",
        ],
        "cloud-storage-full.example.com",
    ),
    (
        "Social Security Administration <notice@ssa-benefits-suspend.example.com>",
        "Your Social Security number has been suspended",
        [
            "Your Social Security number has been suspended due to suspicious activity.",
            "Call the number below immediately to avoid legal action and the freezing of your bank accounts.",
        ],
        "ssa-benefits-suspend.example.com",
    ),
    (
        "Webmail Administrator <admin@webmail-quota-upgrade.example.com>",
        "Mailbox quota exceeded",
        [
            "Your mailbox has exceeded its storage limit. You may not be able to send or receive new messages.",
            "Click below and sign in to increase your quota for free.",
        ],
        "webmail-quota-upgrade.example.com",
    ),
    (
        "Lottery Commission <claims@intl-lottery-claims.example.com>",
        "Winning notification: claim your prize",
        [
            "Your email address won $850,000 in our international online draw.",
            "To release your winnings, send your full name, address and a processing fee of $250. Keep this notice confidential.",
        ],
        "intl-lottery-claims.example.com",
    ),
]
